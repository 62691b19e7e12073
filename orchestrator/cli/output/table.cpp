#include "orchestrator/cli/output/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "runtime/sys/error.hpp"

namespace stk::cli::output {

std::string human_size(uint64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    size_t u = 0;
    while (v >= 1000 && u + 1 < std::size(units)) {
        v /= 1000;
        ++u;
    }
    return fmt::format("{:.3g}{}", v, units[u]);
}

void Table::add_row(std::vector<std::string> cells) {
    if (cells.size() != headers_.size()) {
        throw Error(
            fmt::format("table row has {} cells, the header {}", cells.size(), headers_.size()));
    }
    rows_.push_back(std::move(cells));
}

std::string Table::render() const {
    std::vector<size_t> width(headers_.size());
    for (size_t c = 0; c < headers_.size(); ++c) {
        width[c] = headers_[c].size();
        for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
    }
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (size_t c = 0; c < cells.size(); ++c) {
            l += cells[c];
            if (c + 1 < cells.size()) l.append(width[c] - cells[c].size() + 3, ' ');
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l;
        out += '\n';
    };
    line(headers_);
    for (const auto& r : rows_) line(r);
    return out;
}

}  // namespace stk::cli::output
