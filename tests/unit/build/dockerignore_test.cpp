#include "image/build/context/dockerignore.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::build;

TEST_CASE("dockerignore: patternmatcher rules", "[dockerignore]") {
    auto m = IgnoreMatcher::parse(
        "# comment\n"
        "\n"
        "*.log\n"
        "/build\n"
        "./tmp/\n"
        "**/cache\n"
        "docs/**/*.md\n"
        "!docs/keep.md\n"
        "secret?.txt\n"
        "[a-c].bin\n");
    CHECK(m.excluded("x.log"));
    CHECK_FALSE(m.excluded("sub/x.log"));  // * does not cross '/'
    CHECK(m.excluded("build"));
    CHECK(m.excluded("build/out/a.o"));  // below an excluded directory
    CHECK(m.excluded("tmp/a"));
    CHECK(m.excluded("cache"));
    CHECK(m.excluded("a/b/cache/x"));
    CHECK(m.excluded("docs/a.md"));
    CHECK(m.excluded("docs/x/y/z.md"));
    CHECK_FALSE(m.excluded("docs/keep.md"));
    CHECK(m.excluded("secret1.txt"));
    CHECK_FALSE(m.excluded("secret12.txt"));
    CHECK(m.excluded("b.bin"));
    CHECK_FALSE(m.excluded("d.bin"));
    CHECK_FALSE(m.excluded("src/main.c"));
}

TEST_CASE("dockerignore: the last match wins and exceptions reopen directories", "[dockerignore]") {
    auto m = IgnoreMatcher::parse("data\n!data/keep\n*\n!src\n");
    CHECK(m.excluded("data/keep"));  // `*` came later
    CHECK_FALSE(m.excluded("src/a.c"));
    auto n = IgnoreMatcher::parse("data\n!data/keep\n");
    CHECK(n.excluded("data/x"));
    CHECK_FALSE(n.excluded("data/keep"));
    CHECK(n.may_reinclude_under("data"));
    CHECK_FALSE(n.may_reinclude_under("other"));
    CHECK_THROWS_AS(IgnoreMatcher::parse("!\n"), stk::Error);
}

TEST_CASE("dockerignore: clean_path and glob_match follow Go", "[dockerignore]") {
    CHECK(clean_path("a/./b/../c//") == "a/c");
    CHECK(clean_path("./") == ".");
    CHECK(clean_path("../x") == "../x");
    CHECK(glob_match("*.txt", "a.txt"));
    CHECK_FALSE(glob_match("*.txt", "d/a.txt"));
    CHECK(glob_match("a?c", "abc"));
    CHECK(glob_match("[^x]bc", "abc"));
    CHECK_FALSE(glob_match("[^a]bc", "abc"));
    CHECK(glob_match("\\*", "*"));
    CHECK(glob_match("*", ""));
    CHECK_THROWS_AS(glob_match("[ab", "a"), stk::Error);
}
