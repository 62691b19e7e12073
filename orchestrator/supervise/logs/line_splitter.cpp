#include "orchestrator/supervise/logs/line_splitter.hpp"

namespace stk::supervise {

std::vector<std::string> LineSplitter::feed(std::string_view chunk) {
    std::vector<std::string> lines;
    while (!chunk.empty()) {
        size_t nl = chunk.find('\n');
        buffer_.append(chunk.substr(0, nl));
        chunk.remove_prefix(nl == std::string_view::npos ? chunk.size() : nl + 1);
        // Only a line longer than the limit is cut, so a full-length line stays whole.
        while (buffer_.size() > max_line_) {
            lines.push_back(buffer_.substr(0, max_line_));
            buffer_.erase(0, max_line_);
        }
        if (nl != std::string_view::npos) {
            if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
            lines.push_back(std::move(buffer_));
            buffer_.clear();
        }
    }
    return lines;
}

std::optional<std::string> LineSplitter::flush() {
    if (buffer_.empty()) return std::nullopt;
    std::string rest = std::move(buffer_);
    buffer_.clear();
    return rest;
}

}  // namespace stk::supervise
