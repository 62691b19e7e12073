#include "image/build/builder/build_request.hpp"

#include <fmt/format.h>

namespace stk::build {

void BuildLog::emit(const std::string& line) {
    if (quiet_ || !sink_) return;
    std::lock_guard lock(mutex_);
    sink_(line);
}

void BuildLog::step(const std::string& prefix, int n, int total, const std::string& text,
                    bool cached) {
    std::string head = fmt::format("[{} {}/{}]", prefix, n, total);
    if (tty_)
        emit(fmt::format("\x1b[1;34m{}\x1b[0m {}{}", head, cached ? "\x1b[33mCACHED\x1b[0m " : "", text));
    else
        emit(fmt::format("{} {}{}", head, cached ? "CACHED " : "", text));
}

void BuildLog::output(const std::string& prefix, const std::string& line) {
    if (tty_) emit(fmt::format("\x1b[2m{} |\x1b[0m {}", prefix, line));
    else emit(fmt::format("{} | {}", prefix, line));
}

void BuildLog::note(const std::string& text) { emit(text); }

}  // namespace stk::build
