#pragma once
// One Dockerfile instruction as written: keyword, flags, arguments and where it stands.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "image/build/dockerfile/heredoc.hpp"
#include "runtime/sys/error.hpp"

namespace stk::build {

struct Instruction {
    std::string keyword;   // upper case: "FROM", "RUN", ...
    std::string original;  // the instruction's text, continuation lines joined
    std::vector<std::pair<std::string, std::string>> flags;  // --name[=value], in order
    std::string rest;      // the arguments after the flags, as written
    bool json = false;     // exec (JSON array) form; `args` holds its strings
    std::vector<std::string> args;  // JSON form: the array; shell form: words (quotes kept)
    std::vector<Heredoc> heredocs;  // RUN/COPY/ADD <<EOF bodies, in order
    std::string file;      // "Dockerfile" or the file's name
    int line = 0;          // first line of the instruction

    std::string location() const { return file + ":" + std::to_string(line); }
    std::optional<std::string> flag(const std::string& name) const;
    bool has_flag(const std::string& name) const { return flag(name).has_value(); }
};

// Every error about a Dockerfile names it and the line: "Dockerfile:7: unknown instruction".
class DockerfileError : public Error {
public:
    DockerfileError(const std::string& file, int line, const std::string& what)
        : Error(file + ":" + std::to_string(line) + ": " + what), line_(line) {}
    DockerfileError(const Instruction& at, const std::string& what)
        : DockerfileError(at.file, at.line, what) {}
    int line() const { return line_; }

private:
    int line_;
};

// Runs `fn`; an Error escaping it becomes a DockerfileError at `ins` ("Dockerfile:7: COPY: ...").
template <typename Fn>
auto at_line(const Instruction& ins, Fn&& fn) {
    try {
        return fn();
    } catch (const DockerfileError&) {
        throw;
    } catch (const Error& e) {
        throw DockerfileError(ins, ins.keyword + ": " + e.message());
    }
}

}  // namespace stk::build
