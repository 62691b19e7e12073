// exec and run: output, environment, user, working directory, exit codes, one-off containers
// with their dependencies, DNS and removal.
#include <catch2/catch.hpp>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::pid_of;
using cmdtest::status_of;
using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

const char* kApp = R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    environment: {ROLE: database}
    x-stack: {rootfs: host}
  client:
    command: ["sh", "-c", "echo default-command"]
    depends_on: [db]
    x-stack: {rootfs: host}
)yaml";

}  // namespace

TEST_CASE("exec runs in the service container with its environment and returns the code") {
    Project p(kApp);
    REQUIRE(p.run({"up", "-d", "db"}).code == 0);
    auto r = p.run({"exec", "-T", "db", "sh", "-c", "echo $ROLE $EXTRA; exit 7"});
    CHECK(r.code == 7);
    CHECK(r.out == "database\n");
    r = p.run({"exec", "-T", "-e", "EXTRA=x1", "-w", "/tmp", "-u", "65534", "db", "sh", "-c",
               "echo $EXTRA $(pwd) $(id -u)"});
    CHECK(r.code == 0);
    CHECK(r.out == "x1 /tmp 65534\n");
    // The same pid namespace as the service.
    r = p.run({"exec", "-T", "db", "readlink", "/proc/self/ns/pid"});
    CHECK(r.code == 0);
    CHECK(r.out == std::filesystem::read_symlink("/proc/" + std::to_string(pid_of(p, "db")) +
                                                 "/ns/pid").string() + "\n");
    CHECK(p.run({"exec", "-T", "db", "/no/such/command"}).code == 127);
    CHECK(p.run({"exec", "-T", "db", "/etc/passwd"}).code == 126);
    CHECK(p.run({"exec", "-T", "--index", "2", "db", "true"}).code == 1);
    CHECK(p.run({"exec", "-T", "nosuch", "true"}).code == 1);
    // -d returns at once; the command runs on inside the container.
    r = p.run({"exec", "-d", "db", "sh", "-c", "sleep 0.2; echo late > /tmp/stk-exec-d"});
    CHECK(r.code == 0);
    CHECK(eventually([&] {
        return p.run({"exec", "-T", "db", "cat", "/tmp/stk-exec-d"}).out == "late\n";
    }));
}

TEST_CASE("run starts the dependencies and returns the one-off exit code and --rm removes it") {
    Project p(kApp);
    auto r = p.run({"run", "--rm", "-T", "client", "sh", "-c", "echo hi; hostname; exit 5"});
    INFO(r.err);
    CHECK(r.code == 5);
    CHECK(r.out.rfind("hi\n", 0) == 0);
    CHECK(r.out.find(p.name + "-client-run-") != std::string::npos);  // its hostname
    CHECK(status_of(p, "db") == "running");
    CHECK(p.container(p.cname("client")).empty());  // the service itself was not started
    // Removed with its network: no runtime record of any one-off left.
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(p.dir / "run" / "containers", ec))
        CHECK(e.path().filename().string().find("-run-") == std::string::npos);

    // The service's default command, env overrides, and the dependency by DNS name.
    r = p.run({"run", "--rm", "-T", "client"});
    CHECK(r.code == 0);
    CHECK(r.out == "default-command\n");
    r = p.run({"run", "--rm", "-T", "-e", "A=b", "--entrypoint", "sh -c", "client", "echo $A"});
    CHECK(r.out == "b\n");
    r = p.run({"run", "--rm", "-T", "client", "getent", "hosts", "db"});
    CHECK(r.code == 0);
    CHECK(r.out.find(" db") != std::string::npos);
}

TEST_CASE("run --no-deps with --name on a stopped project and down removes one-offs kept without --rm") {
    Project p(kApp);
    auto r = p.run({"run", "-T", "--no-deps", "--name", p.name + "-oneoff", "client", "sh", "-c",
                    "exit 0"});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(p.container(p.cname("db")).empty());  // --no-deps: nothing else started
    CHECK(std::filesystem::exists(p.dir / "run" / "containers" / (p.name + "-oneoff")));
    // The name is taken while the one-off exists.
    CHECK(p.run({"run", "-T", "--no-deps", "--name", p.name + "-oneoff", "client"}).code != 0);
    CHECK(p.run({"down", "-t", "1"}).code == 0);
    CHECK_FALSE(std::filesystem::exists(p.dir / "run" / "containers" / (p.name + "-oneoff")));
    CHECK(p.run({"run", "-T", "nosuch"}).code == 1);
}

TEST_CASE("exec --privileged gets every capability and no seccomp filter, for that exec only") {
    Project p(kApp);
    REQUIRE(p.run({"up", "-d", "db"}).code == 0);
    const std::vector<std::string> show{"db", "sh", "-c",
                                        "grep -E '^(CapEff|Seccomp):' /proc/self/status"};
    auto exec = [&](bool privileged) {
        std::vector<std::string> args{"exec", "-T"};
        if (privileged) args.push_back("--privileged");
        args.insert(args.end(), show.begin(), show.end());
        return p.run(args);
    };
    // Every capability this machine lets a process have (our own bounding set).
    std::string status = e2e::slurp("/proc/self/status");
    size_t bnd = status.find("CapBnd:\t");
    REQUIRE(bnd != std::string::npos);
    const std::string all_caps = "CapEff:\t" + status.substr(bnd + 8, 16) + "\n";

    auto plain = exec(false);
    INFO(plain.out << plain.err);
    REQUIRE(plain.code == 0);
    CHECK(plain.out.find(all_caps) == std::string::npos);
    CHECK(plain.out.find("Seccomp:\t2\n") != std::string::npos);

    auto privileged = exec(true);
    INFO(privileged.out << privileged.err);
    REQUIRE(privileged.code == 0);
    CHECK(privileged.out.find(all_caps) != std::string::npos);
    CHECK(privileged.out.find("Seccomp:\t0\n") != std::string::npos);

    // The container and the next exec keep their restrictions.
    CHECK(exec(false).out == plain.out);
}
