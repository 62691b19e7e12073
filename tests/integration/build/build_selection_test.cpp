// Which services `stack build SERVICE...` and `stack up --build SERVICE...` build: the named
// ones only, plus, for up, the services it starts whose image is still missing.
#include <catch2/catch.hpp>

#include "tests/integration/build/build_support.hpp"

using buildtest::BuildProject;
using stk::image::Reference;

namespace {

// a depends on b and d; c stands apart. Each has its own Dockerfile.
const char* kCompose = R"(services:
  a:
    build: {context: ., dockerfile: a.Dockerfile}
    depends_on: [b, d]
  b:
    build: {context: ., dockerfile: b.Dockerfile}
  c:
    build: {context: ., dockerfile: c.Dockerfile}
  d:
    build: {context: ., dockerfile: d.Dockerfile}
)";

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("build SERVICE and up --build SERVICE build the named services and missing images only",
          "[build][root]") {
    BuildProject p(kCompose);
    for (std::string s : {"a", "b", "c", "d"})
        p.file(s + ".Dockerfile",
               "FROM stk-test/busybox:latest\nLABEL svc=" + s + "\nCMD [\"sleep\", \"3600\"]\n");
    auto built = [&](const std::string& s) {
        return p.store().find(Reference::parse(p.name + "-" + s)).has_value();
    };

    auto only_b = p.run({"build", "b"});
    INFO(only_b.out << only_b.err);
    REQUIRE(only_b.code == 0);
    CHECK(has(only_b.out, "[b 1/3] FROM"));
    CHECK_FALSE(has(only_b.out, "[a "));
    CHECK_FALSE(has(only_b.out, "[d "));
    CHECK((built("b") && !built("a") && !built("c") && !built("d")));

    auto unknown = p.run({"build", "nope"});
    CHECK(unknown.code == 1);
    CHECK(has(unknown.err, "no such service: \"nope\""));

    // a is named: built. d is started and has no image: built. b is started but present: kept.
    // c is not started: left alone.
    auto up = p.run({"up", "-d", "--build", "a"});
    INFO(up.out << up.err);
    REQUIRE(up.code == 0);
    CHECK(has(up.out, "[a 1/3] FROM"));
    CHECK(has(up.out, "[d 1/3] FROM"));
    CHECK_FALSE(has(up.out, "[b "));
    CHECK_FALSE(has(up.out, "[c "));
    CHECK((built("a") && built("d") && !built("c")));

    // Again with --build a: a is rebuilt (from the cache), nothing else.
    auto again = p.run({"up", "-d", "--build", "a"});
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    CHECK(has(again.out, "[a 2/3] CACHED LABEL svc=a"));
    CHECK_FALSE(has(again.out, "[d "));
    CHECK_FALSE(has(again.out, "[b "));
}
