#include "orchestrator/cli/output/progress_event.hpp"

#include <array>

namespace stk::cli::output {

std::optional<ProgressEvent> parse_progress_line(std::string_view line) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    constexpr std::array<std::string_view, 4> kinds{"Container", "Network", "Volume", "Service"};
    auto space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    std::string_view kind = line.substr(0, space);
    bool known = false;
    for (auto k : kinds) known = known || k == kind;
    auto gap = line.find("  ", space + 1);
    if (!known || gap == std::string_view::npos || gap == space + 1) return std::nullopt;
    ProgressEvent e{std::string(kind), std::string(line.substr(space + 1, gap - space - 1)), {}, {}};
    std::string_view rest = line.substr(gap + 2);
    if (auto colon = rest.find(": "); colon != std::string_view::npos) {
        e.detail = rest.substr(colon + 2);
        rest = rest.substr(0, colon);
    }
    if (rest.empty()) return std::nullopt;
    e.state = rest;
    return e;
}

std::string progress_line(const ProgressEvent& e) {
    std::string s = e.kind + " " + e.name + "  " + e.state;
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

bool is_settled_state(std::string_view s) {
    return !(s == "Creating" || s == "Starting" || s == "Waiting" || s == "Stopping" ||
             s == "Removing" || s == "Restarting");
}

bool is_error_state(std::string_view s) { return s == "Error" || s == "Unhealthy"; }

}  // namespace stk::cli::output
