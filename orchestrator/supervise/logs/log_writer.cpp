#include "orchestrator/supervise/logs/log_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/sys/error.hpp"

namespace stk::supervise {

LogFileWriter::LogFileWriter(std::filesystem::path file) : file_(std::move(file)) {
    fd_.reset(::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_) throw_errno("open log \"" + file_.string() + "\"");
}

void LogFileWriter::append(const std::vector<LogRecord>& records) {
    if (records.empty()) return;
    std::string out;
    for (const auto& r : records) out += format_log_record(r);
    std::string_view rest = out;
    while (!rest.empty()) {
        ssize_t n = ::write(fd_.get(), rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write log \"" + file_.string() + "\"");
        }
        rest.remove_prefix(static_cast<size_t>(n));
    }
}

std::vector<LogRecord> LogFileWriter::write(const std::string& stream, std::string_view chunk,
                                            LogTime now) {
    std::vector<LogRecord> records;
    for (auto& line : splitters_[stream].feed(chunk))
        records.push_back(LogRecord{now, stream, std::move(line)});
    append(records);
    return records;
}

std::vector<LogRecord> LogFileWriter::close_stream(const std::string& stream, LogTime now) {
    std::vector<LogRecord> records;
    auto it = splitters_.find(stream);
    if (it == splitters_.end()) return records;
    if (auto rest = it->second.flush()) records.push_back(LogRecord{now, stream, *rest});
    splitters_.erase(it);
    append(records);
    return records;
}

}  // namespace stk::supervise
