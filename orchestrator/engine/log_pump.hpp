#pragma once
// Reads one output pipe of a container on the loop, cuts it into lines and hands each line,
// timestamped, to a sink (the supervisor writes it to the container's log file and, attached,
// to the terminal). Calls `on_eof` once when the last writer is gone.
#include <functional>
#include <memory>
#include <string>

#include "orchestrator/supervise/logs/log_record.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::engine {

class LogPump {
public:
    using Sink = std::function<void(const supervise::LogRecord& record)>;

    LogPump(supervise::IoContext& io, UniqueFd read_end, std::string stream, Sink sink,
            std::function<void()> on_eof = {});
    ~LogPump();  // stops reading; no call to the sink afterwards
    // Hands what the pipe holds now (and a last partial line) to the sink at once, without
    // waiting for the loop: before a restart replaces this pump, so no line of the old run is
    // lost.
    void drain();
    LogPump(const LogPump&) = delete;
    LogPump& operator=(const LogPump&) = delete;

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

// Appends records to a container's log file in log_record.hpp's format (O_APPEND, so the
// stream continues across restarts). Errors are logged once, never thrown.
class LogFileWriter {
public:
    explicit LogFileWriter(const std::string& path);
    void write(const supervise::LogRecord& record);

private:
    UniqueFd fd_;
    std::string path_;
    bool warned_ = false;
};

}  // namespace stk::engine
