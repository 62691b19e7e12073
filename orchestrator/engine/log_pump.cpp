#include "orchestrator/engine/log_pump.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "orchestrator/supervise/logs/line_splitter.hpp"
#include "runtime/sys/log.hpp"

namespace stk::engine {
namespace asio = boost::asio;

struct LogPump::Impl : std::enable_shared_from_this<Impl> {
    Impl(supervise::IoContext& io, int fd) : pipe(io, fd) {}

    void read() {
        pipe.async_read_some(asio::buffer(buf), [self = shared_from_this()](
                                                    const boost::system::error_code& ec, size_t n) {
            if (self->closed) return;
            if (ec) {
                if (auto rest = self->splitter.flush()) self->emit(*rest);
                self->closed = true;
                auto eof = std::move(self->on_eof);
                if (eof) eof();
                return;
            }
            for (auto& line : self->splitter.feed(std::string_view(self->buf.data(), n)))
                self->emit(line);
            self->read();
        });
    }

    void emit(std::string& line) {
        supervise::LogRecord r;
        r.time = supervise::log_time_now();
        r.stream = stream;
        r.text = std::move(line);
        if (sink) sink(r);
    }

    asio::posix::stream_descriptor pipe;
    std::array<char, 16384> buf{};
    supervise::LineSplitter splitter;
    std::string stream;
    Sink sink;
    std::function<void()> on_eof;
    bool closed = false;
};

LogPump::LogPump(supervise::IoContext& io, UniqueFd read_end, std::string stream, Sink sink,
                 std::function<void()> on_eof)
    : impl_(std::make_shared<Impl>(io, read_end.release())) {
    impl_->stream = std::move(stream);
    impl_->sink = std::move(sink);
    impl_->on_eof = std::move(on_eof);
    impl_->read();
}

void LogPump::drain() {
    Impl& p = *impl_;
    if (p.closed) return;
    int fd = p.pipe.native_handle();
    int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    for (;;) {
        ssize_t n = ::read(fd, p.buf.data(), p.buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // empty for now, end of stream, or an error the loop reports
        for (auto& line : p.splitter.feed(std::string_view(p.buf.data(), static_cast<size_t>(n))))
            p.emit(line);
    }
    if (auto rest = p.splitter.flush()) p.emit(*rest);
}

LogPump::~LogPump() {
    impl_->closed = true;
    impl_->sink = nullptr;
    impl_->on_eof = nullptr;
    boost::system::error_code ignored;
    impl_->pipe.close(ignored);
}

LogFileWriter::LogFileWriter(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)), path_(path) {
    if (!fd_) spdlog::warn("open log file \"{}\": {}", path, std::strerror(errno));
}

void LogFileWriter::write(const supervise::LogRecord& record) {
    if (!fd_) return;
    std::string line = supervise::format_log_record(record);
    if (::write(fd_.get(), line.data(), line.size()) < 0 && !warned_) {
        warned_ = true;
        spdlog::warn("write log file \"{}\": {}", path_, std::strerror(errno));
    }
}

}  // namespace stk::engine
