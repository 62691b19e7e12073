#pragma once
// Plain-text tables as docker prints them: a header row, columns left-aligned and separated by
// three spaces, the last column not padded.
#include <cstdint>
#include <string>
#include <vector>

namespace stk::cli::output {

// docker's sizes in tables: 1000-based, three significant digits ("4.27MB", "1.5kB").
std::string human_size(uint64_t bytes);

class Table {
public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

    // Throws Error when the row's width differs from the header's.
    void add_row(std::vector<std::string> cells);
    std::string render() const;

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace stk::cli::output
