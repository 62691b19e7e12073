// FROM of an image the store does not have: pulled from its registry (a real docker-registry on
// loopback) with `stack pull`'s settings; `stack build --pull` pulls again; an unreachable
// registry is one error naming the image, the registry and Dockerfile:line.
#include <catch2/catch.hpp>

#include "tests/integration/build/build_support.hpp"
#include "tests/support/registry_fixture.hpp"

using buildtest::BuildProject;
using stk::image::Reference;
using stk::test::BusyboxImage;
using stk::test::Registry;

namespace {

const char* kCompose = "services:\n  app:\n    image: stk-test/pulled-app:v1\n    build: .\n";

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

// The digest shown on the "FROM image@sha256:..." step line.
std::string from_digest(const std::string& out) {
    auto at = out.find("FROM ");
    if (at == std::string::npos) return "";
    auto d = out.find("@sha256:", at);
    return d == std::string::npos ? "" : out.substr(d + 1, 71);
}

}  // namespace

TEST_CASE("build pulls a missing FROM image, --pull pulls it again, offline names image and line",
          "[build][root]") {
    BuildProject p(kCompose);
    stk::test::use_docker_config(p.dir, "", "", "");
    std::string image;
    std::string first_digest;
    {
        Registry reg;
        image = stk::test::push_busybox(reg, BusyboxImage(), "stk/base:1");
        p.file("Dockerfile", "# the base comes from the registry\nFROM " + image +
                                 "\nENV BUILT=yes\nCOPY note.txt /note.txt\n");
        p.file("note.txt", "hello\n");

        auto first = p.run({"build"});
        INFO(first.out << first.err);
        REQUIRE(first.code == 0);
        CHECK(has(first.out, "pulling " + image));
        first_digest = from_digest(first.out);
        CHECK(first_digest.size() == 71);
        REQUIRE(p.store().find(Reference::parse(image)));
        REQUIRE(p.store().find(Reference::parse("stk-test/pulled-app:v1")));

        // Present now: no pull without --pull.
        auto again = p.run({"build"});
        INFO(again.out << again.err);
        REQUIRE(again.code == 0);
        CHECK_FALSE(has(again.out, "pulling"));
        CHECK(from_digest(again.out) == first_digest);

        // A new image under the same tag: --pull fetches it and the build starts from it.
        stk::test::BusyboxImageOptions one_layer;
        one_layer.two_layers = false;
        stk::test::push_busybox(reg, BusyboxImage(one_layer), "stk/base:1");
        auto pulled = p.run({"build", "--pull"});
        INFO(pulled.out << pulled.err);
        REQUIRE(pulled.code == 0);
        CHECK(has(pulled.out, "pulling " + image));
        CHECK(from_digest(pulled.out) != first_digest);
        CHECK(BuildProject::count(pulled.out, "CACHED") == 0);
    }
    // The registry is gone: --pull must fail, naming what and where.
    auto offline = p.run({"build", "--pull"});
    INFO(offline.out << offline.err);
    CHECK(offline.code != 0);
    CHECK(has(offline.err, "Dockerfile:2: FROM: pull " + image));
    CHECK(has(offline.err, "registry 127.0.0.1:"));
    CHECK(has(offline.err, "service \"app\""));
}

TEST_CASE(
    "build pulls its base over TLS with basic auth from the docker config and STACK_REGISTRY_CA",
    "[build][root]") {
    Registry reg({.tls = true, .user = "builder", .password = "s3cret-pw"});
    std::string image = stk::test::push_busybox(reg, BusyboxImage(), "stk/private:2");
    BuildProject p(kCompose);
    p.file("Dockerfile", "FROM " + image + " AS base\nFROM base\nLABEL from=private\n");

    // Without credentials the registry refuses, and the error says so.
    stk::test::use_docker_config(p.dir, "", "", "");
    ::setenv("STACK_REGISTRY_CA", reg.ca().c_str(), 1);
    auto denied = p.run({"build"});
    INFO(denied.out << denied.err);
    CHECK(denied.code != 0);
    CHECK(has(denied.err, "Dockerfile:1: FROM: pull " + image));

    stk::test::use_docker_config(p.dir, reg.host(), "builder", "s3cret-pw");
    auto r = p.run({"build"});
    ::unsetenv("STACK_REGISTRY_CA");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(BuildProject::count(r.out, "pulling " + image) == 1);
    auto rec = p.store().find(Reference::parse("stk-test/pulled-app:v1"));
    REQUIRE(rec);
    CHECK(rec->config.labels.at("from") == "private");
    CHECK(rec->layer_dirs.size() == 2);
}
