#include "orchestrator/supervise/logs/log_prefixer.hpp"

#include <fmt/format.h>

#include <array>

namespace stk::supervise {

std::string_view log_colour(size_t index) {
    static constexpr std::array<std::string_view, 10> kRainbow = {
        "36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"};
    return kRainbow[index % kRainbow.size()];
}

void LogPrefixer::add(const std::string& name) {
    if (colour_of_.count(name)) return;
    colour_of_.emplace(name, colour_of_.size());
    width_ = std::max(width_, name.size() + 1);
}

std::string LogPrefixer::paint(const std::string& name, const std::string& text) const {
    if (!format_.color) return text;
    return fmt::format("\033[{}m{}\033[0m", log_colour(colour_of_.at(name)), text);
}

std::string LogPrefixer::format(const std::string& name, std::string_view line,
                                std::optional<LogTime> time) {
    add(name);
    std::string out;
    if (format_.prefix) out = paint(name, fmt::format("{:<{}} |", name, width_)) + " ";
    if (format_.timestamps && time) out += format_timestamp(*time) + " ";
    out += line;
    out += '\n';
    return out;
}

std::string LogPrefixer::status_line(const std::string& name, std::string_view text) {
    add(name);
    return paint(name, fmt::format("{} {}", name, text)) + "\n";
}

}  // namespace stk::supervise
