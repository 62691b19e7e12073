// stop, start, restart and down stream their progress as it happens (the supervisor sends a
// line per step before its reply): order of the plain lines, and a line seen before the command
// has finished.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using e2e::eventually;
using e2e::Project;

namespace {

const char* kChain = R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  api:
    command: ["sleep", "1000"]
    depends_on: [db]
    x-stack: {rootfs: host}
  stubborn:
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"]
    depends_on: [api]
    x-stack: {rootfs: host}
)yaml";

size_t at(const std::string& text, const std::string& needle) { return text.find(needle); }

}  // namespace

TEST_CASE("progress plain: stop streams Stopping then Stopped, dependants first") {
    Project p(kChain);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    const std::string db = " Container " + p.cname("db") + "  ";
    const std::string api = " Container " + p.cname("api") + "  ";
    const std::string stubborn = " Container " + p.cname("stubborn") + "  ";

    // stubborn ignores SIGTERM: its Stopping shows while stop still waits out the grace period.
    pid_t pid = p.spawn({"--progress", "plain", "stop", "-t", "2"}, "stop");
    const auto out_file = p.dir / "stop.out";
    CHECK(eventually([&] { return e2e::slurp(out_file).find(stubborn + "Stopping") != std::string::npos; }));
    int status = 0;
    CHECK(::waitpid(pid, &status, WNOHANG) == 0);  // still running: the line came first
    CHECK(e2e::slurp(out_file).find(stubborn + "Stopped") == std::string::npos);
    REQUIRE(Project::wait_exit(pid) == 0);
    std::string out = e2e::slurp(out_file);
    INFO(out);
    for (const auto& c : {db, api, stubborn}) {
        CHECK(count_of(out, c + "Stopping\n") == 1);
        CHECK(count_of(out, c + "Stopped\n") == 1);
        CHECK(at(out, c + "Stopping") < at(out, c + "Stopped"));
    }
    CHECK(at(out, stubborn + "Stopped") < at(out, api + "Stopping"));
    CHECK(at(out, api + "Stopped") < at(out, db + "Stopping"));

    auto r = p.run({"--progress", "plain", "start"});
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(at(r.out, db + "Starting") < at(r.out, db + "Started"));
    CHECK(at(r.out, db + "Started") < at(r.out, api + "Starting"));
    CHECK(at(r.out, api + "Started") < at(r.out, stubborn + "Starting"));
    CHECK(count_of(r.out, "Started\n") == 3);

    r = p.run({"--progress", "plain", "restart", "-t", "1", "api"});
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(at(r.out, api + "Stopping") < at(r.out, api + "Stopped"));
    CHECK(at(r.out, api + "Stopped") < at(r.out, api + "Starting"));
    CHECK(at(r.out, api + "Starting") < at(r.out, api + "Restarted"));

    r = p.run({"--progress", "plain", "down", "-t", "1"});
    INFO(r.out);
    CHECK(r.code == 0);
    for (const auto& c : {db, api, stubborn}) {
        CHECK(at(r.out, c + "Stopping") < at(r.out, c + "Stopped"));
        CHECK(at(r.out, c + "Stopped") < at(r.out, c + "Removed"));
        CHECK(count_of(r.out, c + "Removed\n") == 1);
    }
    CHECK(at(r.out, api + "Stopped") < at(r.out, db + "Stopping"));
    CHECK(count_of(r.out, " Network " + p.name + "_default  Removed\n") == 1);
}
