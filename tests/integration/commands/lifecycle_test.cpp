// start, stop, restart, kill, pause, unpause, rm, wait: effect and exit code, run as a user
// would with the real binary.
#include <catch2/catch.hpp>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using cmdtest::kChain;
using cmdtest::pid_of;
using cmdtest::status_of;
using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

TEST_CASE("stop keeps the containers with dependants stopped too and start brings them back") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int db_pid = pid_of(p, "db");
    auto r = p.run({"stop", "-t", "1", "db"});
    CHECK(r.code == 0);
    CHECK(r.out.find(p.cname("db") + "  Stopped") != std::string::npos);
    for (const char* s : {"db", "api", "worker"}) CHECK(status_of(p, s) == "exited");
    CHECK_FALSE(e2e::pid_alive(db_pid));
    // ps -a still lists them.
    auto ps = p.run({"ps", "-a", "-q"});
    CHECK(count_of(ps.out, p.name + "-") == 3);

    r = p.run({"start", "api"});
    CHECK(r.code == 0);
    CHECK(status_of(p, "db") == "running");  // its dependency first
    CHECK(status_of(p, "api") == "running");
    CHECK(status_of(p, "worker") == "exited");
    CHECK(pid_of(p, "db") != db_pid);
    CHECK(p.run({"start"}).code == 0);
    CHECK(status_of(p, "worker") == "running");
}

TEST_CASE("restart recreates the service process and its restart: true dependants only") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int db = pid_of(p, "db"), api = pid_of(p, "api"), worker = pid_of(p, "worker");
    auto r = p.run({"restart", "-t", "1", "db"});
    CHECK(r.code == 0);
    CHECK(r.out.find(p.cname("api") + "  Restarted") != std::string::npos);
    CHECK(pid_of(p, "db") != db);
    CHECK(pid_of(p, "api") != api);
    CHECK(pid_of(p, "worker") == worker);
    CHECK(e2e::pid_alive(pid_of(p, "db")));
    CHECK(p.run({"restart", "nosuch"}).code == 1);
}

TEST_CASE("kill -s delivers a signal and SIGKILL keeps a restart: always service down") {
    Project p(R"yaml(
services:
  trap:
    command: ["sh", "-c", "trap 'echo got-usr1' USR1; echo ready; while true; do sleep 0.05; done"]
    restart: always
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto c = p.cname("trap");
    REQUIRE(eventually([&] { return p.log(c).find("ready") != std::string::npos; }));
    auto r = p.run({"kill", "-s", "USR1", "trap"});
    CHECK(r.code == 0);
    CHECK(eventually([&] { return p.log(c).find("got-usr1") != std::string::npos; }));
    CHECK(status_of(p, "trap") == "running");

    CHECK(p.run({"kill", "-s", "NOSUCHSIG", "trap"}).code == 1);
    CHECK(p.run({"kill", "trap"}).code == 0);
    REQUIRE(eventually([&] { return status_of(p, "trap") == "exited"; }));
    std::this_thread::sleep_for(400ms);  // longer than the first restart backoff
    CHECK(status_of(p, "trap") == "exited");
    CHECK(p.container(c).value("exit_code", 0) == 137);
}

TEST_CASE("pause freezes the service processes and unpause thaws them") {
    Project p(R"yaml(
services:
  ticker:
    command: ["sh", "-c", "while true; do echo tick; sleep 0.02; done"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto c = p.cname("ticker");
    REQUIRE(eventually([&] { return count_of(p.log(c), "tick") > 3; }));
    auto r = p.run({"pause", "ticker"});
    CHECK(r.code == 0);
    CHECK(status_of(p, "ticker") == "paused");
    auto ps = p.run({"ps", "-a", "--format", "json"});
    CHECK(ps.out.find("\"paused\"") != std::string::npos);
    std::this_thread::sleep_for(100ms);  // output already in the pipe drains
    size_t frozen = count_of(p.log(c), "tick");
    std::this_thread::sleep_for(300ms);
    CHECK(count_of(p.log(c), "tick") == frozen);

    CHECK(p.run({"unpause", "ticker"}).code == 0);
    CHECK(status_of(p, "ticker") == "running");
    CHECK(eventually([&] { return count_of(p.log(c), "tick") > frozen + 3; }));
    // A paused container still stops (thawed first) with down.
    CHECK(p.run({"pause"}).code == 0);
    CHECK(p.run({"down", "-t", "1"}).code == 0);
}

TEST_CASE("rm removes stopped containers only and -s stops them first") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto r = p.run({"rm", "-f", "worker"});
    CHECK(r.code == 0);
    CHECK(status_of(p, "worker") == "running");
    r = p.run({"rm", "-f", "-s", "worker"});
    CHECK(r.code == 0);
    CHECK(r.out.find(p.cname("worker") + "  Removed") != std::string::npos);
    CHECK(p.container(p.cname("worker")).empty());
    CHECK(status_of(p, "db") == "running");
    // up brings the removed one back.
    CHECK(p.run({"up", "-d"}).code == 0);
    CHECK(status_of(p, "worker") == "running");
}

TEST_CASE("wait returns the exit code of the service container") {
    Project p(R"yaml(
services:
  job:
    command: ["sh", "-c", "sleep 0.3; exit 3"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto r = p.run({"wait", "job"});
    CHECK(r.code == 3);
    CHECK(r.out == "3\n");
    // Already exited: answers at once with the same code.
    CHECK(p.run({"wait", "job"}).code == 3);
}

TEST_CASE("commands on a project that is not running fail with exit code 1") {
    Project p(kChain);
    for (std::vector<std::string> args :
         {std::vector<std::string>{"start"}, {"stop"}, {"restart"}, {"pause"}, {"kill"},
          {"wait", "db"}, {"exec", "-T", "db", "true"}, {"top"}, {"port", "db", "80"}}) {
        auto r = p.run(args);
        INFO(args.front());
        CHECK(r.code == 1);
        CHECK(r.err.find("project \"" + p.name + "\" is not running") != std::string::npos);
    }
}

TEST_CASE("stop and kill reach the containers when the supervisor is gone") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int sup = p.state().value("supervisor_pid", 0);
    REQUIRE(sup > 0);
    int db = pid_of(p, "db");
    ::kill(sup, SIGKILL);
    REQUIRE(eventually([&] { return !e2e::pid_alive(sup); }));
    REQUIRE(e2e::pid_alive(db));
    auto r = p.run({"stop", "-t", "1", "db"});
    CHECK(r.code == 0);
    CHECK(eventually([&] { return !e2e::pid_alive(db); }));
    CHECK(p.run({"start"}).code == 1);  // needs the supervisor: a clear error
}

TEST_CASE("rm -v removes the anonymous volumes of the removed containers only") {
    Project p(R"yaml(
services:
  a:
    command: ["sleep", "1000"]
    volumes: ["/mnt"]
    x-stack: {rootfs: host}
  b:
    command: ["sleep", "1000"]
    volumes: ["/mnt"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    // Each container's anonymous volume directories, from the data root.
    auto volumes_of = [&](const std::string& service) {
        size_t n = 0;
        std::error_code ec;
        const std::string prefix = p.name + "_anon_" + p.cname(service) + "_";
        for (const auto& e : std::filesystem::directory_iterator(p.dir / "data" / "volumes", ec))
            if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
        return n;
    };
    for (const char* s : {"a", "b"}) {
        auto w = p.run({"exec", "-T", s, "sh", "-c", "echo kept > /mnt/f"});
        INFO(w.err);
        REQUIRE(w.code == 0);
        REQUIRE(volumes_of(s) == 1);
    }
    REQUIRE(p.run({"stop", "-t", "1"}).code == 0);
    auto rm = p.run({"rm", "b"});
    CHECK(rm.code == 0);
    CHECK(volumes_of("b") == 1);  // without -v the volume stays
    rm = p.run({"rm", "-v", "a"});
    INFO(rm.out << rm.err);
    CHECK(rm.code == 0);
    CHECK(rm.out.find(p.cname("a") + "  Removed") != std::string::npos);
    CHECK(volumes_of("a") == 0);
    CHECK(volumes_of("b") == 1);
}

TEST_CASE("wait --down-project returns when the first container stops and takes the project down") {
    Project p(cmdtest::job_and_server("sleep 0.3"));
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int server = pid_of(p, "server");
    REQUIRE(server > 0);
    auto r = p.run({"wait", "--down-project", "server", "job"});
    INFO(r.out << r.err);
    CHECK(r.code == 3);  // job's, the first to stop; server never does by itself
    CHECK(r.out.rfind("3\n", 0) == 0);
    CHECK(r.out.find(" Container " + p.cname("server") + "  Removed") != std::string::npos);
    CHECK_FALSE(e2e::pid_alive(server));
    CHECK(p.state().empty());
}
