// `stack up` and pull_policy (root): images are pulled before anything of the stack is made,
// and a failure stops `up` with one line naming service, image and registry.
#include <catch2/catch.hpp>

#include "tests/integration/pull/pull_support.hpp"

using namespace pulltest;
using stk::image::Reference;

namespace {

bool nothing_started(const e2e::Project& p) {
    return !fs::exists(p.run_dir() / "state.json") && p.state().empty();
}

}  // namespace

TEST_CASE("up with an unreachable registry fails before any container is touched") {
    std::string image = "127.0.0.1:" + std::to_string(free_port()) + "/stk/absent:1";
    e2e::Project p(compose_with({{"db", image}}));
    use_docker_config(p.dir, "", "", "");
    auto r = p.run({"up", "-d"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(contains(r.err, "service \"db\""));
    CHECK(contains(r.err, "pull " + image));
    CHECK(contains(r.err, "registry 127.0.0.1:"));
    CHECK(contains(r.err, "unreachable"));
    CHECK(contains(r.err, "Connection refused"));
    CHECK(nothing_started(p));
}

TEST_CASE("up pulls a missing image, then runs it, pull_policy missing later needs no registry") {
    stk::test::BusyboxImage bb;
    std::string image;
    e2e::Project p("services: {}\n");
    use_docker_config(p.dir, "", "", "");
    {
        Registry reg;
        image = push_busybox(reg, bb, "stk/run:1");
        p.write(compose_with({{"web", image}}));
        auto r = p.run({"--progress", "plain", "up", "-d", "--wait"});
        INFO(r.out << r.err);
        REQUIRE(r.code == 0);
        CHECK(contains(r.err, "Pull complete"));
        CHECK(e2e::eventually([&] { return contains(p.log(p.cname("web")), "image-cmd cwd=/app"); }));
        REQUIRE(p.run({"down", "-t", "1"}).code == 0);
    }
    // The registry is gone: `missing` finds the image in the store, `always` has to ask.
    auto again = p.run({"up", "-d", "--wait"});
    INFO(again.err);
    CHECK(again.code == 0);
    REQUIRE(p.run({"down", "-t", "1"}).code == 0);
    auto always = p.run({"up", "-d", "--pull", "always"});
    CHECK(always.code == 1);
    CHECK(contains(always.err, "unreachable"));
    CHECK(nothing_started(p));
}

TEST_CASE("pull_policy never does not pull and fails naming service and image") {
    Registry reg;
    stk::test::BusyboxImage bb;
    std::string image = push_busybox(reg, bb, "stk/never:1");
    e2e::Project p(compose_with({{"web", image}}, "    pull_policy: never\n"));
    use_docker_config(p.dir, reg.host(), "", "");
    auto r = p.run({"up", "-d"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(contains(r.err, "web"));
    CHECK(contains(r.err, "not in the local image store"));
    CHECK_FALSE(store_of(p).find(Reference::parse(image)));
}

TEST_CASE("an invalid pull_policy is an error naming the service") {
    e2e::Project p(compose_with({{"web", "127.0.0.1:1/x:1"}}, "    pull_policy: sometimes\n"));
    auto r = p.run({"up", "-d"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(contains(r.err, "service \"web\""));
    CHECK(contains(r.err, "pull_policy \"sometimes\""));
    CHECK(nothing_started(p));
}
