#pragma once
// One line of a container's log file: `2026-11-29T08:00:00.123456789Z stdout <text>`.
// Timestamps are UTC with nine fraction digits, so files sort and merge by time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stk::supervise {

using LogTime = int64_t;  // nanoseconds since the Unix epoch, UTC

struct LogRecord {
    LogTime time = 0;
    std::string stream;  // "stdout" or "stderr"
    std::string text;    // without the newline
};

// RFC 3339 with nine fraction digits and "Z", as docker's RFC3339NanoFixed.
std::string format_timestamp(LogTime time);

// RFC 3339 ("2026-11-29T08:00:00Z", optional fraction, "Z" or "+01:00"; a date or date-time
// without zone is taken as UTC); nullopt when it is not one.
std::optional<LogTime> parse_timestamp(std::string_view text);

// Go-style duration ("1h30m", "10s", "250ms"); nullopt when it is not one.
std::optional<int64_t> parse_go_duration_ns(std::string_view text);

// docker's --since: a timestamp, a Unix time ("1700000000" or "1700000000.5"), or a duration
// counted back from `now`. Throws Error naming the value.
LogTime parse_since(std::string_view text, LogTime now);

// One line for a log file, newline included.
std::string format_log_record(const LogRecord& record);

// Parses one line (with or without its newline); nullopt when malformed.
std::optional<LogRecord> parse_log_record(std::string_view line);

LogTime log_time_now();

}  // namespace stk::supervise
