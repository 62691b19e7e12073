#pragma once
// `stack logs -f`: prints what the containers' log files hold, then what they gain, merged in
// time order, woken only by events: inotify on the project and log folders, a pidfd on the
// supervisor, a signalfd for SIGINT/SIGTERM. It ends on Ctrl-C, when the project's folder is
// removed (`stack down`), or when the supervisor exits.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/supervise/logs/log_reader.hpp"

namespace stk::cli::output {

struct FollowOptions {
    std::filesystem::path project_dir;  // <run_root>/<project>; logs in its "logs" folder
    std::vector<supervise::LogSource> sources;
    supervise::LogReadOptions filters;  // applied to what the files hold at the start
    // A log file "<container>.log" appeared: the name to show it under, or nullopt to ignore it.
    std::function<std::optional<std::string>(const std::string& container)> accept;
    // Whether the project still runs; asked at the start, when the state changes and when the
    // supervisor exits (`supervisor_exited` true: its pidfd fired, though it may linger as a
    // zombie for a moment).
    std::function<bool(bool supervisor_exited)> running;
    // The supervisor's pid and start time (0: none), watched through a pidfd.
    int supervisor_pid = 0;
    uint64_t supervisor_start_time = 0;
};

using EmitLine = std::function<bool(const supervise::MergedLogLine& line)>;  // false: stop

// Returns when following ends. Throws Error when a watch cannot be set up.
void follow_logs(const FollowOptions& options, const EmitLine& emit);

}  // namespace stk::cli::output
