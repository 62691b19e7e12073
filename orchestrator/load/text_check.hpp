#pragma once
// Stack files and .env files are UTF-8 text: a NUL byte or an invalid UTF-8 sequence is
// refused up front with its file:line:col, so nothing later (yaml-cpp, JSON output, the config
// hash) ever sees bytes it cannot handle.
#include <optional>
#include <string>

#include "orchestrator/load/tree.hpp"

namespace stk::load {

// The location and description of the first byte that is not valid UTF-8 text, if any.
struct TextProblem {
    int line = 1;
    int column = 1;
    std::string what;  // "a NUL byte", "an invalid UTF-8 byte 0xff"
};
std::optional<TextProblem> find_text_problem(const std::string& text);

// Throws LoadError "<file>:<line>:<col>: the file contains <what> (save it as UTF-8 text)".
void check_text(const std::string& text, const std::shared_ptr<const std::string>& file);

}  // namespace stk::load
