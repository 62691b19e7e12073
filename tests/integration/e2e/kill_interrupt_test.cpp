#include <catch2/catch.hpp>

#include <fstream>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

bool mounts_mention(const std::string& text) {
    return e2e::slurp("/proc/self/mountinfo").find(text) != std::string::npos;
}

// Container cgroups left under the test's private cgroup parent, in any hierarchy.
bool cgroups_left(const std::string& parent) {
    for (const char* c : {"memory", "pids", "cpu", "freezer", "unified"}) {
        std::error_code ec;
        for (std::filesystem::directory_iterator
                 it(std::filesystem::path("/sys/fs/cgroup") / c / parent, ec), end;
             !ec && it != end; it.increment(ec))
            if (it->is_directory()) return true;
    }
    return false;
}

std::vector<std::string> netns_pins(const Project& p) {
    std::vector<std::string> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(p.dir / "run" / "netns", ec), end;
         !ec && it != end; it.increment(ec))
        out.push_back(it->path().filename());
    return out;
}

}  // namespace

TEST_CASE("supervisor killed with SIGKILL, then down leaves nothing") {
    Project p(R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on: [db]
    ports: ["127.0.0.1::8080"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto st = p.state();
    int sup = st.value("supervisor_pid", 0);
    int db = p.container(p.cname("db")).value("pid", 0);
    int web = p.container(p.cname("web")).value("pid", 0);
    REQUIRE(e2e::pid_alive(sup));
    REQUIRE(e2e::pid_alive(db));
    CHECK_FALSE(netns_pins(p).empty());
    REQUIRE(::kill(sup, SIGKILL) == 0);
    REQUIRE(eventually([&] { return !e2e::pid_alive(sup); }));
    auto r = p.run({"down", "-t", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(eventually([&] { return !e2e::pid_alive(db) && !e2e::pid_alive(web); }, 3s));
    CHECK(netns_pins(p).empty());
    CHECK_FALSE(mounts_mention((p.dir / "run").string()));
    CHECK_FALSE(cgroups_left(p.name));
    CHECK_FALSE(std::filesystem::exists(p.run_dir()));
}

TEST_CASE("Ctrl-C once stops gracefully in reverse order") {
    Project p(R"yaml(
services:
  db:
    command: ["sh", "-c", "trap 'echo db-term; exit 0' TERM; echo ready; while true; do sleep 0.05; done"]
    x-stack: {rootfs: host}
  web:
    command: ["sh", "-c", "trap 'echo web-term; exit 0' TERM; echo ready; while true; do sleep 0.05; done"]
    depends_on: [db]
    x-stack: {rootfs: host}
)yaml");
    pid_t up = p.spawn({"up", "--no-color"}, "attached");
    REQUIRE(eventually([&] {
        return p.container(p.cname("web")).value("status", "") == "running" &&
               e2e::slurp(p.dir / "attached.out").find("ready") != std::string::npos;
    }));
    int web = p.container(p.cname("web")).value("pid", 0);
    REQUIRE(::kill(up, SIGINT) == 0);
    int code = Project::wait_exit(up);
    std::string out = e2e::slurp(p.dir / "attached.out");
    INFO(out);
    CHECK(code == 130);
    auto web_at = out.find("web-term");
    auto db_at = out.find("db-term");
    REQUIRE(web_at != std::string::npos);
    REQUIRE(db_at != std::string::npos);
    CHECK(web_at < db_at);
    CHECK_FALSE(e2e::pid_alive(web));
    CHECK(p.container(p.cname("web")).value("status", "") == "exited");
}

TEST_CASE("Ctrl-C twice kills what ignores the stop signal") {
    Project p(R"yaml(
services:
  stubborn:
    command: ["sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done"]
    stop_grace_period: 30s
    x-stack: {rootfs: host}
)yaml");
    pid_t up = p.spawn({"up", "--no-color"}, "attached");
    REQUIRE(eventually([&] {
        return e2e::slurp(p.dir / "attached.out").find("ready") != std::string::npos;
    }));
    int pid = p.container(p.cname("stubborn")).value("pid", 0);
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(::kill(up, SIGINT) == 0);
    REQUIRE(eventually([&] {
        return e2e::slurp(p.dir / "attached.out").find("Gracefully stopping") != std::string::npos;
    }));
    REQUIRE(::kill(up, SIGINT) == 0);
    int code = Project::wait_exit(up);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    CHECK(code == 130);
    CHECK_FALSE(e2e::pid_alive(pid));
}
