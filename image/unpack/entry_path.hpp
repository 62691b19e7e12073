#pragma once
// The path of a tar entry made relative and checked: "./a/b/" -> "a/b"; "" for the root
// itself. Absolute paths and ".." components are refused with an Error naming the entry.
#include <string>
#include <string_view>

namespace stk::image {

std::string clean_entry_path(std::string_view raw);

// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}.
std::pair<std::string, std::string> split_parent(const std::string& path);

}  // namespace stk::image
