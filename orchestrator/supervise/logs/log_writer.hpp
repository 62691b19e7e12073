#pragma once
// Turns a container's raw stdout/stderr chunks into timestamped records appended to its log
// file (the format log_record.hpp reads back), one line per record. Each stream has its own
// line splitter, so interleaved partial writes of stdout and stderr do not mix.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/supervise/logs/line_splitter.hpp"
#include "orchestrator/supervise/logs/log_record.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

class LogFileWriter {
public:
    // Opens (creating) the file for appending; throws SysError naming it.
    explicit LogFileWriter(std::filesystem::path file);

    // Appends the lines this chunk completes, stamped `now`; returns them too (for the
    // attached output). Throws SysError when the file cannot be written.
    std::vector<LogRecord> write(const std::string& stream, std::string_view chunk, LogTime now);

    // End of a stream: its unterminated rest becomes a record.
    std::vector<LogRecord> close_stream(const std::string& stream, LogTime now);

    const std::filesystem::path& file() const { return file_; }

private:
    void append(const std::vector<LogRecord>& records);

    std::filesystem::path file_;
    UniqueFd fd_;
    std::map<std::string, LineSplitter> splitters_;
};

}  // namespace stk::supervise
