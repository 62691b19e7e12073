// --progress / --ansi on the long operations (up -d, stop, start, restart, down), as a user
// runs them with the real binary: plain lines in the order things happen, a terminal display
// redrawn in place, or nothing.
#include <catch2/catch.hpp>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using e2e::Project;

namespace {

const char* kHealthyChain = R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    healthcheck: {test: ["CMD", "true"], interval: 200ms}
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on:
      db: {condition: service_healthy}
    x-stack: {rootfs: host}
)yaml";

// Where `needle` first appears in `text` (npos when absent).
size_t at(const std::string& text, const std::string& needle) { return text.find(needle); }

}  // namespace

TEST_CASE("progress plain: up -d prints each step as it happens, in order") {
    Project p(kHealthyChain);
    auto r = p.run({"--progress", "plain", "up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const std::string db = " Container " + p.cname("db") + "  ";
    const std::string web = " Container " + p.cname("web") + "  ";
    for (const char* s : {"Creating", "Created", "Starting", "Started", "Healthy"})
        CHECK(count_of(r.out, db + s + "\n") == 1);
    for (const char* s : {"Creating", "Created", "Waiting", "Starting", "Started"})
        CHECK(count_of(r.out, web + s + "\n") == 1);
    CHECK(at(r.out, db + "Creating") < at(r.out, db + "Created"));
    CHECK(at(r.out, db + "Started") < at(r.out, db + "Healthy"));
    CHECK(at(r.out, web + "Waiting") < at(r.out, db + "Healthy"));
    CHECK(at(r.out, db + "Healthy") < at(r.out, web + "Starting"));
    CHECK(r.out.find("\x1b[") == std::string::npos);

    auto down = p.run({"--progress", "plain", "down", "-t", "1"});
    CHECK(down.code == 0);
    CHECK(count_of(down.out, db + "Removed\n") == 1);
    CHECK(count_of(down.out, web + "Removed\n") == 1);
    CHECK(count_of(down.out, " Network " + p.name + "_default  Removed\n") == 1);
}

TEST_CASE("progress tty: lines rewritten in place with check marks and elapsed times") {
    Project p(kHealthyChain);
    auto r = p.run({"--progress", "tty", "up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\x1b[2K\r") != std::string::npos);   // erase line
    CHECK(r.out.find("A\x1b[2K\r") != std::string::npos);  // cursor up, then rewrite
    CHECK(r.out.find("[+] Running 3/3") != std::string::npos);  // a network, two containers
    CHECK(r.out.find("✔\x1b[0m Container " + p.cname("web")) != std::string::npos);
    CHECK(r.out.find("Healthy\x1b[0m  ") != std::string::npos);

    // --ansi never: no escape at all, plain lines instead.
    auto stop = p.run({"--progress", "tty", "--ansi", "never", "stop", "-t", "1", "web"});
    CHECK(stop.code == 0);
    CHECK(stop.out.find('\x1b') == std::string::npos);
    CHECK(stop.out.find(" Container " + p.cname("web") + "  Stopped\n") != std::string::npos);
}

TEST_CASE("progress quiet: the long operations print nothing and still work") {
    Project p(kHealthyChain);
    auto r = p.run({"--progress", "quiet", "up", "-d"});
    REQUIRE(r.code == 0);
    CHECK(r.out.empty());
    CHECK(cmdtest::status_of(p, "web") == "running");
    auto restart = p.run({"--progress", "quiet", "restart", "-t", "1", "web"});
    CHECK(restart.code == 0);
    CHECK(restart.out.empty());
    auto down = p.run({"--progress", "quiet", "down", "-t", "1"});
    CHECK(down.code == 0);
    CHECK(down.out.empty());
    CHECK(p.state().empty());
}
