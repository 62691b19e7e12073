// A container's own files (its writable layer) outlive what docker keeps a container through:
// restarts by policy, stop/start, restart, and start without a supervisor; down clears them.
#include <catch2/catch.hpp>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using cmdtest::kill_supervisor;
using e2e::eventually;
using e2e::Project;
namespace fs = std::filesystem;

namespace {

// Each run appends a line to /stk-runs in the container's root; the first two runs fail.
const char* kCounter = R"yaml(
services:
  counter:
    command: ["sh", "-c", "echo run >> /stk-runs; n=$$(wc -l < /stk-runs); [ $$n -ge 3 ] && exec sleep 1000; exit 1"]
    restart: on-failure
    x-stack: {rootfs: host}
)yaml";

size_t runs(const Project& p) {
    auto r = p.run({"exec", "-T", "counter", "cat", "/stk-runs"});
    return r.code == 0 ? count_of(r.out, "run") : 0;
}

bool settles_at(const Project& p, size_t n) {
    return eventually([&] { return runs(p) == n; });
}

}  // namespace

TEST_CASE("a container's writable layer outlives restarts, stop/start and an offline start, "
          "down removes it") {
    Project p(kCounter);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    // Two failures restarted by the policy: the third run sees both earlier lines.
    CHECK(settles_at(p, 3));

    REQUIRE(p.run({"stop", "-t", "1", "counter"}).code == 0);
    REQUIRE(p.run({"start", "counter"}).code == 0);
    CHECK(settles_at(p, 4));

    REQUIRE(p.run({"restart", "-t", "1", "counter"}).code == 0);
    CHECK(settles_at(p, 5));

    REQUIRE(kill_supervisor(p) > 0);
    REQUIRE(p.run({"stop", "-t", "1"}).code == 0);
    auto started = p.run({"start"});
    INFO(started.out << started.err);
    REQUIRE(started.code == 0);
    CHECK(settles_at(p, 6));

    // down takes the layer with it: the next up starts from the image again.
    REQUIRE(p.run({"down", "-t", "1"}).code == 0);
    CHECK_FALSE(fs::exists(p.dir / "run" / "containers" / p.cname("counter")));
    REQUIRE(p.run({"up", "-d"}).code == 0);
    CHECK(settles_at(p, 3));
}
