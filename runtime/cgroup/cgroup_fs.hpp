#pragma once
// File-level helpers both backends use on a cgroup filesystem (or a test directory shaped
// like one): knobs, keyed files, membership, waiting for events, killing, removal.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stk::runtime::cgroupfs {

namespace fs = std::filesystem;

// Writes (truncating) a knob; SysError "write "VALUE" to "PATH"".
void write(const fs::path& path, std::string_view value);
// The file's content without the trailing newline, or nullopt when it does not exist.
std::optional<std::string> read(const fs::path& path);
// The number in a one-value knob; nullopt when absent or "max".
std::optional<uint64_t> read_number(const fs::path& path);
// "key value" lines (memory.events, cpu.stat, memory.oom_control, cgroup.events).
std::optional<uint64_t> read_keyed(const fs::path& path, std::string_view key);
// Pids in a cgroup.procs file; empty when the file is absent.
std::vector<pid_t> read_procs(const fs::path& path);

// mkdir that accepts an existing directory; returns true when it created it.
bool make_dir(const fs::path& dir);
// rmdir that accepts an absent directory and retries EBUSY (tasks still exiting) until the
// deadline; Error on failure.
void remove_dir(const fs::path& dir, std::chrono::milliseconds patience);

// Waits until "key value" appears in a cgroup.events file: poll(POLLPRI) on kernfs, bounded.
bool wait_for_event(const fs::path& events, std::string_view key, uint64_t value,
                    std::chrono::milliseconds timeout);

// SIGKILLs everything `list` returns, repeatedly, until it returns nothing; Error naming the
// survivors after `timeout`.
void kill_until_empty(const std::function<std::vector<pid_t>()>& list,
                      std::chrono::milliseconds timeout, const std::string& what);

}  // namespace stk::runtime::cgroupfs
