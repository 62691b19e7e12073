#pragma once
// The container's stdout/stderr into a log file, one timestamped line per line written:
//   2026-11-29T08:00:00.123456789Z stdout <text>
// A small process forked outside the container copies two pipes until both reach EOF, so the
// log keeps flowing after the creating CLI has gone (`run -d`).
#include <sys/types.h>

#include <filesystem>

#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

struct LogCopier {
    UniqueFd stdout_w;  // give these to the container, then close them here
    UniqueFd stderr_w;
    pid_t pid = -1;     // the copier; reap it after the container exits
};

// Opens `log_file` for appending (creating it 0640) and forks the copier. Throws SysError.
LogCopier start_log_copier(const std::filesystem::path& log_file);

}  // namespace stk::runtime
