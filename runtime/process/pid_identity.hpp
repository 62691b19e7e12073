#pragma once
// A pid plus its start time (field 22 of /proc/<pid>/stat) names one process across pid reuse.
#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

// The start time in clock ticks since boot, or nullopt when the process does not exist.
std::optional<uint64_t> process_start_time(pid_t pid);

// A pidfd for `pid` if it is still the process that started at `start_time`; nullopt when it
// is gone (a zombie counts as gone) or the pid was reused. The check runs after pidfd_open, so
// the fd cannot go stale.
std::optional<UniqueFd> open_verified_pidfd(pid_t pid, uint64_t start_time);

int pidfd_open_raw(pid_t pid, unsigned flags) noexcept;
int pidfd_send_signal_raw(int pidfd, int sig) noexcept;

}  // namespace stk::runtime
