#pragma once
// `stack logs`: reads the containers' log files and merges them in time order (docker compose
// does not; compose#10377), keeping the last `tail` lines of each container and only lines at
// or after `since`.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/supervise/logs/log_record.hpp"

namespace stk::supervise {

struct LogSource {
    std::string name;  // container name shown in the prefix
    std::filesystem::path file;
};

struct LogReadOptions {
    std::optional<size_t> tail;    // per container, as compose's --tail
    std::optional<LogTime> since;  // inclusive
};

struct MergedLogLine {
    std::string name;
    LogRecord record;
};

// Lines of one file that pass the filters, in file order. A missing file has no lines;
// malformed lines are skipped. Throws Error when the file cannot be read.
std::vector<LogRecord> read_log_file(const std::filesystem::path& file,
                                     const LogReadOptions& options);

// All sources merged by timestamp; equal timestamps keep source order, then file order.
std::vector<MergedLogLine> read_merged_logs(const std::vector<LogSource>& sources,
                                            const LogReadOptions& options);

}  // namespace stk::supervise
