#pragma once
// Cuts a byte stream read in arbitrary chunks into lines. A line longer than the limit is
// emitted in pieces so a process that never prints a newline cannot grow memory unbounded.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stk::supervise {

class LineSplitter {
public:
    static constexpr size_t kDefaultMaxLine = 16 * 1024;  // docker's partial-message size

    explicit LineSplitter(size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

    // Appends a chunk; returns the lines it completed, without their "\n" (a "\r\n" ending
    // loses its "\r" too).
    std::vector<std::string> feed(std::string_view chunk);

    // At end of stream: the unterminated rest, if any.
    std::optional<std::string> flush();

    size_t pending() const { return buffer_.size(); }

private:
    size_t max_line_;
    std::string buffer_;
};

}  // namespace stk::supervise
