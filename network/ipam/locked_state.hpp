#pragma once
// A JSON state file shared by processes: read-modify-write under flock on a sibling ".lock"
// file, written atomically, so a crash never leaves half a file.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

namespace stk::net {

// Runs `edit` on the file's content ({} when absent) with the lock held exclusively; writes the
// result back when `edit` returns true. Returns what `edit` left in the document. When the file's
// directory does not exist, `edit` first runs on {} unlocked: returning false there leaves the
// disk untouched (so `edit` must be free of side effects beyond its result).
nlohmann::json update_locked_json(const std::filesystem::path& file,
                                  const std::function<bool(nlohmann::json&)>& edit);

// The file's content ({} when absent), read under a shared lock; nothing is created.
nlohmann::json read_locked_json(const std::filesystem::path& file);

}  // namespace stk::net
