#include "image/build/dockerfile/parser.hpp"

#include <catch2/catch.hpp>

using namespace stk::build;

TEST_CASE("dockerfile: instructions keep their line, continuations and comments", "[dockerfile]") {
    auto df = parse_dockerfile(
        "# a comment\n"
        "FROM busybox AS base\n"
        "\n"
        "run echo a \\\n"
        "  # a comment inside\n"
        "  && echo b\n"
        "COPY --from=base --chown=1:2 --chmod=640 a b /dst/\n"
        "CMD [\"sh\", \"-c\", \"echo hi\"]\n"
        "ENTRYPOINT echo not json [\n");
    REQUIRE(df.instructions.size() == 5);
    CHECK(df.instructions[0].keyword == "FROM");
    CHECK(df.instructions[0].line == 2);
    CHECK(df.instructions[0].args == std::vector<std::string>{"busybox", "AS", "base"});
    const auto& run = df.instructions[1];
    CHECK(run.keyword == "RUN");
    CHECK(run.line == 4);
    CHECK(run.rest == "echo a   && echo b");
    CHECK_FALSE(run.json);
    const auto& copy = df.instructions[2];
    CHECK(copy.flag("from") == "base");
    CHECK(copy.flag("chown") == "1:2");
    CHECK(copy.flag("chmod") == "640");
    CHECK(copy.args == std::vector<std::string>{"a", "b", "/dst/"});
    CHECK(df.instructions[3].json);
    CHECK(df.instructions[3].args == std::vector<std::string>{"sh", "-c", "echo hi"});
    CHECK_FALSE(df.instructions[4].json);
    CHECK(df.instructions[4].location() == "Dockerfile:9");
}

TEST_CASE("dockerfile: directives set the escape and a syntax line is noted", "[dockerfile]") {
    auto df = parse_dockerfile("# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a `\n b\n");
    CHECK(df.escape == '`');
    REQUIRE(df.notes.size() == 1);
    CHECK(df.notes[0].find("ignored") != std::string::npos);
    REQUIRE(df.instructions.size() == 2);
    CHECK(df.instructions[1].rest == "a  b");
    // A directive after an instruction is only a comment.
    auto late = parse_dockerfile("FROM x\n# escape=`\nRUN a \\\n b\n");
    CHECK(late.escape == '\\');
    CHECK(late.instructions[1].rest == "a  b");
}

TEST_CASE("dockerfile: errors name Dockerfile:line", "[dockerfile]") {
    auto message = [](const std::string& text) {
        try {
            parse_dockerfile(text);
        } catch (const DockerfileError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("FROM x\nFOO bar\n") == "Dockerfile:2: unknown instruction: FOO");
    CHECK(message("FROM x\n\nONBUILD RUN x\n").rfind("Dockerfile:3: ONBUILD is not supported", 0) == 0);
    CHECK(message("FROM x\nRUN <<EOF\necho\nEOF\n").rfind("Dockerfile:2: heredocs", 0) == 0);
    CHECK(message("FROM x\nCOPY --frm=a b c\n") == "Dockerfile:2: unknown flag --frm for COPY");
    CHECK(message("# escape=x\nFROM x\n").rfind("Dockerfile:1: invalid escape token", 0) == 0);
    CHECK(message("FROM --platform=linux/amd64 x\nRUN echo '<<EOF'x\n") == "no error");
}

TEST_CASE("dockerfile: words keep quotes for the expander", "[dockerfile]") {
    CHECK(split_words(R"(a "b c" 'd e'  f\ g)", '\\') ==
          std::vector<std::string>{"a", "\"b c\"", "'d e'", "f\\ g"});
}
