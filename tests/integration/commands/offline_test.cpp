// start, restart, pause, unpause, rm and wait when no supervisor runs the project (it was
// killed first): each works from the state on disk, as a user runs it with the real binary.
#include <catch2/catch.hpp>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using cmdtest::kChain;
using cmdtest::kill_supervisor;
using cmdtest::pid_of;
using cmdtest::status_of;
using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

bool supervisor_alive(const Project& p) {
    return e2e::pid_alive(p.state().value("supervisor_pid", 0));
}

}  // namespace

TEST_CASE("offline: stop then start brings the containers back under a new supervisor") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int old_sup = kill_supervisor(p);
    REQUIRE(old_sup > 0);
    int db = pid_of(p, "db");
    auto r = p.run({"stop", "-t", "1"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    for (const char* s : {"db", "api", "worker"}) CHECK(status_of(p, s) == "exited");
    CHECK_FALSE(e2e::pid_alive(db));

    r = p.run({"--progress", "plain", "start", "api"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find(" Container " + p.cname("api") + "  Started") != std::string::npos);
    CHECK(r.out.find("Creating") == std::string::npos);  // brought back, not created anew
    CHECK(status_of(p, "db") == "running");  // its dependency first
    CHECK(status_of(p, "api") == "running");
    CHECK(status_of(p, "worker") == "exited");  // still known, still stopped
    CHECK(e2e::pid_alive(pid_of(p, "db")));
    CHECK(pid_of(p, "db") != db);
    int sup = p.state().value("supervisor_pid", 0);
    CHECK(sup != old_sup);
    CHECK(supervisor_alive(p));
    CHECK(count_of(p.run({"ps", "-a", "-q"}).out, p.name + "-") == 3);

    // The new supervisor serves the next commands.
    CHECK(p.run({"start"}).code == 0);
    CHECK(status_of(p, "worker") == "running");
    CHECK(p.state().value("supervisor_pid", 0) == sup);
    CHECK(p.run({"down", "-t", "1"}).code == 0);
    CHECK(p.state().empty());
}

TEST_CASE("offline: start refuses containers that still run, restart takes them back") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    kill_supervisor(p);
    int db = pid_of(p, "db");
    REQUIRE(e2e::pid_alive(db));
    auto r = p.run({"start"});
    CHECK(r.code == 1);
    CHECK(r.err.find("still run without a supervisor") != std::string::npos);
    CHECK(e2e::pid_alive(db));  // untouched

    r = p.run({"restart", "-t", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK_FALSE(e2e::pid_alive(db));
    for (const char* s : {"db", "api", "worker"}) {
        CHECK(status_of(p, s) == "running");
        CHECK(e2e::pid_alive(pid_of(p, s)));
    }
    CHECK(supervisor_alive(p));
}

TEST_CASE("offline: a service without a container is a clear error") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    kill_supervisor(p);
    for (std::vector<std::string> args : {std::vector<std::string>{"start", "nosuch"},
                                          {"pause", "nosuch"}, {"rm", "nosuch"},
                                          {"wait", "nosuch"}}) {
        auto r = p.run(args);
        INFO(args.front());
        CHECK(r.code == 1);
        CHECK(r.err.find("no container of service \"nosuch\" exists; run stack up") !=
              std::string::npos);
    }
}

TEST_CASE("offline: pause and unpause freeze and thaw through the cgroup freezer") {
    Project p("services: {}\n");
    // Its output goes to a file: the pipes to the killed supervisor's log pumps are gone.
    std::filesystem::create_directories(p.dir / "out");
    const auto ticks = p.dir / "out" / "ticks";
    p.write(R"yaml(
services:
  ticker:
    command: ["sh", "-c", "while true; do echo tick >> /out/ticks; sleep 0.02; done"]
    volumes: [")yaml" + (p.dir / "out").string() + R"yaml(:/out"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    kill_supervisor(p);
    auto count = [&] { return count_of(e2e::slurp(ticks), "tick"); };
    REQUIRE(eventually([&] { return count() > 3; }));

    auto r = p.run({"pause", "ticker"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find(p.cname("ticker") + "  Paused") != std::string::npos);
    CHECK(status_of(p, "ticker") == "paused");
    std::this_thread::sleep_for(100ms);
    size_t frozen = count();
    std::this_thread::sleep_for(300ms);
    CHECK(count() == frozen);

    r = p.run({"unpause", "ticker"});
    CHECK(r.code == 0);
    CHECK(status_of(p, "ticker") == "running");
    CHECK(eventually([&] { return count() > frozen + 3; }));
    // Paused again, down still removes it (thawed first).
    CHECK(p.run({"pause"}).code == 0);
    CHECK(p.run({"down", "-t", "1"}).code == 0);
    CHECK(p.state().empty());
}

TEST_CASE("offline: rm removes the stopped containers only and -s stops them first") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    kill_supervisor(p);
    REQUIRE(p.run({"stop", "-t", "1", "worker"}).code == 0);
    auto r = p.run({"rm", "worker", "db"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find(p.cname("worker") + "  Removed") != std::string::npos);
    CHECK(p.container(p.cname("worker")).empty());
    CHECK(status_of(p, "db") == "running");  // running: kept
    CHECK(e2e::pid_alive(pid_of(p, "db")));

    int api = pid_of(p, "api");
    r = p.run({"rm", "-s", "api"});
    CHECK(r.code == 0);
    CHECK_FALSE(e2e::pid_alive(api));
    CHECK(p.container(p.cname("api")).empty());
    CHECK(count_of(p.run({"ps", "-a", "-q"}).out, p.name + "-") == 1);
}

TEST_CASE("offline: wait answers from the recorded exit codes") {
    Project p(cmdtest::job_and_server("true"));
    REQUIRE(p.run({"up", "-d"}).code == 0);
    REQUIRE(eventually([&] { return status_of(p, "job") == "exited"; }));
    kill_supervisor(p);
    auto r = p.run({"wait", "job"});
    INFO(r.err);
    CHECK(r.code == 3);
    CHECK(r.out == "3\n");
    // The running one: nobody can collect its exit code.
    r = p.run({"wait", "server"});
    CHECK(r.code == 1);
    CHECK(r.err.find("runs without a supervisor") != std::string::npos);
}

TEST_CASE("offline: restart SERVICE brings its restart: true dependants along") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    kill_supervisor(p);
    REQUIRE(p.run({"stop", "-t", "1"}).code == 0);
    auto r = p.run({"restart", "-t", "1", "db"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(status_of(p, "db") == "running");
    CHECK(status_of(p, "api") == "running");     // depends_on db with restart: true
    CHECK(status_of(p, "worker") == "exited");  // a plain dependant stays as it was
}
