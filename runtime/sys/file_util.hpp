#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace stk {

// Writes `content` to `path` atomically (temp file in the same directory, fsync, rename).
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

// Reads a whole file; throws Error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

// Reads a whole file, or nullopt when it does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// Writes a short string to an existing file (cgroup and /proc knobs); throws SysError.
void write_knob(const std::filesystem::path& path, std::string_view value);

}  // namespace stk
