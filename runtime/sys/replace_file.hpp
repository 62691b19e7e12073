#pragma once
// Run-time state (under the run root, a tmpfs that a reboot empties) is replaced atomically
// for concurrent readers but never fsynced: durability across power loss is worthless for it,
// and an fsync costs milliseconds on a busy disk in the middle of a restart.
#include <filesystem>
#include <string_view>

namespace stk {

// Writes `content` to a temp file next to `path` and renames it over `path` (no fsync).
void replace_file(const std::filesystem::path& path, std::string_view content,
                  unsigned mode = 0644);

}  // namespace stk
