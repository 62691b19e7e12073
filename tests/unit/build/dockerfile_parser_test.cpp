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
    CHECK(message("FROM x\nRUN <<EOF\necho\nEOF \n") ==
          "Dockerfile:2: heredoc <<EOF has no terminating \"EOF\" line");
    CHECK(message("FROM x\nCOPY --frm=a b c\n") == "Dockerfile:2: unknown flag --frm for COPY");
    CHECK(message("# escape=x\nFROM x\n").rfind("Dockerfile:1: invalid escape token", 0) == 0);
    CHECK(message("FROM --platform=linux/amd64 x\nRUN echo '<<EOF'x\n") == "no error");
}

TEST_CASE("dockerfile: words keep quotes for the expander", "[dockerfile]") {
    CHECK(split_words(R"(a "b c" 'd e'  f\ g)", '\\') ==
          std::vector<std::string>{"a", "\"b c\"", "'d e'", "f\\ g"});
}

TEST_CASE("dockerfile: RUN heredocs, lone (the body is the script) or fed to the shell", "[dockerfile]") {
    auto df = parse_dockerfile("FROM x\nRUN <<EOF\necho one\n  echo two\nEOF\n"
                               "RUN cat <<-'END' > /f && echo done\n\tkeep $HOME\n\tEND\nENV A=1\n");
    REQUIRE(df.instructions.size() == 4);
    const Instruction& lone = df.instructions[1];
    CHECK(lone.line == 2);
    CHECK(lone.rest == "echo one\n  echo two\n");
    REQUIRE(lone.heredocs.size() == 1);
    CHECK(lone.heredocs[0].expand);
    const Instruction& fed = df.instructions[2];
    CHECK(fed.line == 6);
    CHECK(fed.rest == "cat <<-'END' > /f && echo done\n\tkeep $HOME\n\tEND");
    REQUIRE(fed.heredocs.size() == 1);
    CHECK(fed.heredocs[0].name == "END");
    CHECK(fed.heredocs[0].content == "keep $HOME\n");
    CHECK_FALSE(fed.heredocs[0].expand);
    CHECK(fed.heredocs[0].strip_tabs);
    CHECK(df.instructions[3].keyword == "ENV");
    CHECK(df.instructions[3].line == 9);
}

TEST_CASE("dockerfile: COPY with two heredocs, markers inside quotes are plain text", "[dockerfile]") {
    auto df = parse_dockerfile("FROM x\nCOPY <<a <<\"b\" /dest/\n1 $X\na\n$B\nb\n"
                               "RUN echo \"<<NOT\" '<<NOT2' \\<<NOT3\n");
    REQUIRE(df.instructions.size() == 3);
    const Instruction& copy = df.instructions[1];
    REQUIRE(copy.heredocs.size() == 2);
    CHECK(copy.heredocs[0].name == "a");
    CHECK(copy.heredocs[0].content == "1 $X\n");
    CHECK(copy.heredocs[0].expand);
    CHECK(copy.heredocs[1].content == "$B\n");
    CHECK_FALSE(copy.heredocs[1].expand);
    CHECK(copy.args == std::vector<std::string>{"<<a", "<<\"b\"", "/dest/"});
    std::string name;
    CHECK(is_heredoc_word("<<-\"EOF\"", name));
    CHECK(name == "EOF");
    CHECK_FALSE(is_heredoc_word("<<1", name));
    CHECK(df.instructions[2].heredocs.empty());
    CHECK(df.instructions[2].rest == "echo \"<<NOT\" '<<NOT2' \\<<NOT3");
}

TEST_CASE("dockerfile: a COPY heredoc body expands variables only", "[dockerfile]") {
    VarMap vars{{"NAME", "web"}, {"PORT", "80"}};
    CHECK(expand_heredoc("name=\"$NAME\" 'x' ${PORT:-1} \\$NAME c:\\d\n", vars, '\\') ==
          "name=\"web\" 'x' 80 $NAME c:\\d\n");
}
