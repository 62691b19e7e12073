// Process life through `stack container`: exit codes, signals, stop grace, orphans, logs, exec.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include "tests/integration/container/container_harness.hpp"
#include "tests/support/busybox_rootfs.hpp"

using stk::test::BusyboxRootfs;
using stk::test::StackEnv;

namespace {

std::vector<std::string> run_args(const BusyboxRootfs& rootfs, std::vector<std::string> flags,
                                  std::vector<std::string> cmd) {
    std::vector<std::string> a{"container", "run", "--rootfs", rootfs.path().string()};
    a.insert(a.end(), flags.begin(), flags.end());
    a.push_back("--");
    a.insert(a.end(), cmd.begin(), cmd.end());
    return a;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("container: exit codes propagate, 128+N for signal N, 127 for a missing command") {
    StackEnv env;
    BusyboxRootfs rootfs;
    CHECK(env.stack(run_args(rootfs, {"--rm"}, {"sh", "-c", "exit 7"})).code == 7);
    CHECK(env.stack(run_args(rootfs, {"--rm"}, {"sh", "-c", "kill -9 $$"})).code == 137);
    auto missing = env.stack(run_args(rootfs, {"--rm"}, {"/no/such/command"}));
    CHECK(missing.code == 127);
    CHECK(missing.err.find("/no/such/command") != std::string::npos);
    CHECK(env.clean());
}

TEST_CASE("container: an orphaned grandchild is reaped by PID 1") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(
        rootfs, {"--rm"},
        {"sh", "-c",
         "(sleep 0.2 &); sleep 1; echo zombies=$(cat /proc/[0-9]*/stat | grep -c ') Z ')"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "zombies=0\n");
    CHECK(env.clean());
}

TEST_CASE("container: SIGTERM reaches the service") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("term");
    pid_t run = env.spawn(
        run_args(rootfs, {"--rm", "--name", name},
                 {"sh", "-c", "trap 'echo got-term; exit 42' TERM; while :; do sleep 0.1; done"}),
        env.dir() / "term.out", env.dir() / "term.err");
    REQUIRE(env.wait_status(name, "running"));
    auto k = env.stack({"container", "kill", "-s", "TERM", name});
    CHECK(k.code == 0);
    CHECK(wait_exit(run) == 42);
    CHECK(stk::test::slurp(env.dir() / "term.out") == "got-term\n");
    CHECK(env.clean());
}

TEST_CASE("container: a service ignoring SIGTERM is killed after the grace period") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("stubborn");
    auto r = env.stack(run_args(rootfs, {"-d", "--name", name, "--stop-timeout", "1"},
                                {"sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == name + "\n");
    REQUIRE(env.wait_status(name, "running"));
    auto t0 = std::chrono::steady_clock::now();
    CHECK(env.stack({"container", "stop", name}).code == 0);
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= std::chrono::milliseconds(900));
    CHECK(took < std::chrono::seconds(8));
    auto state = env.stack({"container", "inspect", name}).out;
    INFO(state);
    CHECK(state.find("\"status\": \"exited\"") != std::string::npos);
    CHECK(state.find("\"exit_code\": 137") != std::string::npos);
    CHECK(env.stack({"container", "rm", name}).code == 0);
    CHECK(env.clean());
}

TEST_CASE("container: run -d records the exit and timestamped log lines") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("logs");
    auto r = env.stack(run_args(rootfs, {"-d", "--name", name},
                                {"sh", "-c", "echo hello; echo oops >&2; exit 3"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(env.wait_status(name, "exited"));
    auto state = env.stack({"container", "inspect", name}).out;
    CHECK(state.find("\"exit_code\": 3") != std::string::npos);
    auto ps = env.stack({"container", "ps"}).out;
    CHECK(ps.find(name) != std::string::npos);
    CHECK(ps.find("exited (3)") != std::string::npos);
    auto log = stk::test::slurp(env.run_root() / "containers" / name / "container.log");
    INFO(log);
    std::regex out_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout hello\n)");
    std::regex err_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stderr oops\n)");
    CHECK(std::regex_search(log, out_line));
    CHECK(std::regex_search(log, err_line));
    CHECK(env.stack({"container", "rm", name}).code == 0);
    CHECK(env.clean());
}

TEST_CASE("container: exec joins the namespaces with the same security and env") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string name = env.name("exec");
    auto r = env.stack(run_args(rootfs, {"-d", "--name", name, "-e", "BASE=1", "-w", "/tmp"},
                                {"sleep", "30"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(env.wait_status(name, "running"));
    auto e = env.stack({"container", "exec", "-e", "EXTRA=2", name, "--", "sh", "-c",
                        "echo $BASE$EXTRA; pwd; hostname; ps | grep -c 'sleep 30'; "
                        "grep -E 'CapEff|NoNewPrivs|Seccomp:' /proc/self/status"});
    INFO(e.out << e.err);
    REQUIRE(e.code == 0);
    CHECK(e.out.rfind("12\n/tmp\n", 0) == 0);
    CHECK(e.out.find("CapEff:\t00000000a80425fb") != std::string::npos);
    CHECK(e.out.find("NoNewPrivs:\t1") != std::string::npos);
    CHECK(e.out.find("Seccomp:\t2") != std::string::npos);
    CHECK(env.stack({"container", "exec", name, "--", "sh", "-c", "exit 5"}).code == 5);
    CHECK(env.stack({"container", "exec", "-u", "nobody", name, "--", "id", "-u"}).out ==
          "65534\n");
    CHECK(env.stack({"container", "rm", name}).code != 0);  // running, no -f
    CHECK(env.stack({"container", "rm", "-f", name}).code == 0);
    CHECK(env.clean());
}
