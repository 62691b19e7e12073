#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace stk {

// Durable: the content must survive a power loss (fsync before the rename). Volatile: files under
// the run root, which a reboot wipes anyway; the rename alone keeps readers from ever seeing a
// half-written file, and the container start path saves an fsync per state change.
enum class FileSync { Durable, Volatile };

// Writes `content` to `path` atomically (temp file in the same directory, [fsync,] rename).
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644, FileSync sync = FileSync::Durable);

// Reads a whole file; throws Error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

// Reads a whole file, or nullopt when it does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// Writes a short string to an existing file (cgroup and /proc knobs); throws SysError.
void write_knob(const std::filesystem::path& path, std::string_view value);

}  // namespace stk
