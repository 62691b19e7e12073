#pragma once
// Mount option strings (the `data` of mount(2)) are comma-separated and overlay's lowerdir is
// colon-separated: a path holding ',' ':' or '\' must be escaped with '\' or it splits.
#include <filesystem>
#include <string>
#include <vector>

namespace stk::runtime {

std::string escape_mount_option(const std::string& value);

// "lowerdir=a:b,upperdir=u,workdir=w" (upper/work empty: a read-only overlay of the lowers).
std::string overlay_options(const std::vector<std::filesystem::path>& lowers,
                            const std::filesystem::path& upper, const std::filesystem::path& work);

}  // namespace stk::runtime
