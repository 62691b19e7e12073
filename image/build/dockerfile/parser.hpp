#pragma once
// Dockerfile syntax: parser directives, comments, line continuations (with the `# escape=`
// character), keywords, leading --flags, the JSON (exec) or shell form of the arguments, and
// heredocs (RUN/COPY/ADD <<EOF).
// Meaning (stages, expansion, what each instruction does) is decided later by the builder.
#include <string>
#include <string_view>
#include <vector>

#include "image/build/dockerfile/instruction.hpp"

namespace stk::build {

struct Dockerfile {
    std::string file;
    char escape = '\\';
    std::vector<Instruction> instructions;
    std::vector<std::string> notes;  // e.g. "# syntax=... ignored: stack builds natively"
};

// Throws DockerfileError naming `file` and the line for an unknown instruction, ONBUILD, an
// unterminated heredoc, a bad flag or a malformed directive.
Dockerfile parse_dockerfile(std::string_view text, const std::string& file = "Dockerfile");

// Splits arguments at unquoted whitespace, keeping quotes and escapes for the expander.
std::vector<std::string> split_words(std::string_view text, char escape);

}  // namespace stk::build
