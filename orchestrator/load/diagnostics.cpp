#include "orchestrator/load/diagnostics.hpp"

#include <algorithm>

namespace stk::load {
namespace {

std::string join_lines(const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) {
        if (!out.empty()) out += '\n';
        out += d.to_string();
    }
    return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string Diagnostic::to_string() const {
    std::string out = loc.known() ? loc.to_string() + ": " : std::string();
    if (!path.empty()) out += path + ": ";
    out += message;
    if (!hint.empty()) out += " (" + hint + ")";
    return out;
}

void Diagnostics::error(Location loc, std::string path, std::string message, std::string hint) {
    errors_.push_back({std::move(loc), std::move(path), std::move(message), std::move(hint)});
}

void Diagnostics::warning(Location loc, std::string path, std::string message, std::string hint) {
    warnings_.push_back({std::move(loc), std::move(path), std::move(message), std::move(hint)});
}

void Diagnostics::throw_if_errors() const {
    if (!errors_.empty()) throw LoadError(errors_);
}

LoadError::LoadError(std::vector<Diagnostic> errors)
    : Error(join_lines(errors)), diagnostics_(std::move(errors)) {}

std::string nearest_name(const std::string& given, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_d = SIZE_MAX;
    for (const auto& c : candidates) {
        size_t d = edit_distance(given, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // Close enough to be a typo: at most a third of the word, and at least one edit allowed.
    size_t limit = std::max<size_t>(1, given.size() / 3 + 1);
    return best_d <= limit ? best : std::string();
}

}  // namespace stk::load
