// Limits through `stack container run`: memory (OOM kill reported), pids, cpus.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tests/integration/container/container_harness.hpp"
#include "tests/support/busybox_rootfs.hpp"

using stk::test::BusyboxRootfs;
using stk::test::StackEnv;

TEST_CASE("container: allocating past the memory limit is an OOM kill, reported") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("oom");
    auto r = env.stack({"container", "run", "--rootfs", rootfs.path().string(), "--name", name,
                        "--memory", "32m", "--memory-swap", "32m", "--", "dd", "if=/dev/zero",
                        "of=/dev/null", "bs=100M", "count=1"});
    INFO(r.err);
    CHECK(r.code == 137);
    CHECK(r.err.find("OOM") != std::string::npos);
    auto state = env.stack({"container", "inspect", name}).out;
    CHECK(state.find("\"oom_killed\": true") != std::string::npos);
    CHECK(env.stack({"container", "rm", name}).code == 0);
    CHECK(env.clean());
}

TEST_CASE("container: a fork bomb stops at the pids limit") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack({"container", "run", "--rm", "--rootfs", rootfs.path().string(),
                        "--pids-limit", "10", "--", "sh", "-c",
                        "for i in $(seq 1 40); do sleep 2 & done 2>/dev/null; "
                        "echo procs=$(ls /proc | grep -c '^[0-9]')"});
    INFO(r.out << r.err);
    // The `$(...)` subshell itself needs a pid: with the limit reached it may fail to fork,
    // which is the limit working too.
    auto pos = r.out.find("procs=");
    if (pos != std::string::npos && r.out.size() > pos + 6 && std::isdigit(r.out[pos + 6]))
        CHECK(std::stoi(r.out.substr(pos + 6)) <= 10);
    CHECK(env.clean());
}

TEST_CASE("container: --cpus 0.5 caps usage near half a core") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("cpu");
    auto r = env.stack({"container", "run", "-d", "--rootfs", rootfs.path().string(), "--name",
                        name, "--cpus", "0.5", "--", "sh", "-c", "while :; do :; done"});
    REQUIRE(r.code == 0);
    REQUIRE(env.wait_status(name, "running"));
    auto usage_file = std::filesystem::path("/sys/fs/cgroup/cpuacct") / env.id() / name /
                      "cpuacct.usage";
    if (!std::filesystem::exists(usage_file))
        usage_file = std::filesystem::path("/sys/fs/cgroup") / env.id() / name / "cpu.stat";
    auto read_usage_ns = [&]() -> double {
        std::string text = stk::test::slurp(usage_file);
        if (usage_file.filename() == "cpuacct.usage") return std::stod(text);
        auto pos = text.find("usage_usec ");
        return std::stod(text.substr(pos + 11)) * 1000.0;
    };
    double u0 = read_usage_ns();
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    double u1 = read_usage_ns();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cores = (u1 - u0) / 1e9 / secs;
    INFO("cores used: " << cores);
    CHECK(cores < 0.65);
    CHECK(cores > 0.02);  // it ran (the machine may be busy)
    CHECK(env.stack({"container", "rm", "-f", name}).code == 0);
    CHECK(env.clean());
}
