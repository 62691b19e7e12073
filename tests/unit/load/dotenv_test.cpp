#include <catch2/catch.hpp>

#include "orchestrator/load/dotenv.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;

TEST_CASE("dotenv: comments, export, quoting, escapes, inline comments") {
    const std::string text =
        "# a comment\n"
        "\n"
        "PLAIN=hello world   \n"
        "export EXPORTED=yes\n"
        "INLINE=value # comment\n"
        "HASH=a#b\n"
        "DQ=\"line1\\nline2\\tx # not a comment\"\n"
        "SQ='literal $PLAIN \\n # kept'\n"
        "EMPTY=\n"
        "  SPACED = padded\n";
    Diagnostics diags;
    auto env = parse_dotenv(text, ".env", {}, diags);
    CHECK_FALSE(diags.has_errors());
    CHECK(env["PLAIN"] == "hello world");
    CHECK(env["EXPORTED"] == "yes");
    CHECK(env["INLINE"] == "value");
    CHECK(env["HASH"] == "a#b");
    CHECK(env["DQ"] == "line1\nline2\tx # not a comment");
    CHECK(env["SQ"] == "literal $PLAIN \\n # kept");
    CHECK(env.count("EMPTY") == 1);
    CHECK(env["EMPTY"].empty());
    CHECK(env["SPACED"] == "padded");
}

TEST_CASE("dotenv: interpolation against lookup and earlier keys") {
    Diagnostics diags;
    auto env = parse_dotenv("A=one\nB=${A}-$HOME_X\nC=\"${MISSING:-dflt}\"\nD='${A}'\n", ".env",
                            {{"HOME_X", "/h"}}, diags);
    CHECK_FALSE(diags.has_errors());
    CHECK(env["B"] == "one-/h");
    CHECK(env["C"] == "dflt");
    CHECK(env["D"] == "${A}");
}

TEST_CASE("dotenv: bare KEY takes the lookup value only when present") {
    Diagnostics diags;
    auto env = parse_dotenv("FROM_SHELL\nNOT_THERE\n", ".env", {{"FROM_SHELL", "s"}}, diags);
    CHECK(env["FROM_SHELL"] == "s");
    CHECK(env.count("NOT_THERE") == 0);
}

TEST_CASE("dotenv: multi-line double-quoted value") {
    Diagnostics diags;
    auto env = parse_dotenv("K=\"a\nb\"\nNEXT=n\n", ".env", {}, diags);
    CHECK_FALSE(diags.has_errors());
    CHECK(env["K"] == "a\nb");
    CHECK(env["NEXT"] == "n");
}

TEST_CASE("dotenv: errors name file:line") {
    Diagnostics diags;
    auto env = parse_dotenv("OK=1\nBAD KEY=2\nX=\"a$(b\"\nY='open\n", "my.env", {}, diags);
    REQUIRE(diags.errors().size() == 3);
    CHECK(diags.errors()[0].to_string().rfind("my.env:2:", 0) == 0);
    CHECK(diags.errors()[1].to_string().rfind("my.env:3:", 0) == 0);
    CHECK(diags.errors()[1].message.find("invalid interpolation") != std::string::npos);
    CHECK(diags.errors()[2].to_string().rfind("my.env:4:", 0) == 0);
    CHECK(env["OK"] == "1");
}

TEST_CASE("dotenv: read_env_file reads a file and reports a missing one") {
    testing::TempDir dir;
    auto p = dir.write("vars.env", "A=1\n");
    Diagnostics diags;
    CHECK(read_env_file(p, {}, diags).at("A") == "1");
    read_env_file(dir.path() / "nope.env", {}, diags);
    REQUIRE(diags.errors().size() == 1);
    CHECK(diags.errors()[0].message.find("nope.env") != std::string::npos);
}
