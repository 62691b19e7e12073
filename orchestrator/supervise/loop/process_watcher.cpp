#include "orchestrator/supervise/loop/process_watcher.hpp"

#include <poll.h>

#include <fmt/format.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "runtime/sys/error.hpp"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace stk::supervise {

std::string ExitStatus::describe() const {
    if (!known) return "exited (status unknown)";
    if (signal != 0) {
        const char* abbrev = sigabbrev_np(signal);
        return fmt::format("killed by signal {} (SIG{}){}", signal, abbrev ? abbrev : "?",
                           core_dumped ? ", core dumped" : "");
    }
    return fmt::format("exited with code {}", exit_code);
}

UniqueFd open_pidfd(pid_t pid) {
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) throw_errno(fmt::format("pidfd_open {}", pid));
    return UniqueFd(fd);
}

struct ProcessWatcher::Impl : std::enable_shared_from_this<Impl> {
    Impl(IoContext& io, int fd, Callback cb) : descriptor(io, fd), on_exit(std::move(cb)) {}

    void arm() {
        // A process that already exited may have raised its edge before the wait was queued;
        // ask the pidfd itself first so that such an exit is never missed.
        pollfd p{descriptor.native_handle(), POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) {
            boost::asio::post(descriptor.get_executor(),
                              [self = shared_from_this()] { self->ready({}); });
            return;
        }
        descriptor.async_wait(
            boost::asio::posix::stream_descriptor::wait_read,
            [self = shared_from_this()](const boost::system::error_code& ec) { self->ready(ec); });
    }

    void ready(const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted || finished) return;
        siginfo_t info{};
        ExitStatus status;
        if (::waitid(static_cast<idtype_t>(P_PIDFD), descriptor.native_handle(), &info,
                     WEXITED | WNOHANG) == 0) {
            if (info.si_pid == 0) {  // readable but not yet reapable: wait again
                arm();
                return;
            }
            status.known = true;
            if (info.si_code == CLD_EXITED) {
                status.exit_code = info.si_status;
            } else {
                status.signal = info.si_status;
                status.exit_code = 128 + info.si_status;
                status.core_dumped = info.si_code == CLD_DUMPED;
            }
        }
        // ECHILD: not our child; the pidfd being readable still means it exited.
        finished = true;
        boost::system::error_code ignored;
        descriptor.close(ignored);
        Callback cb = std::move(on_exit);
        if (cb) cb(status);
    }

    boost::asio::posix::stream_descriptor descriptor;
    Callback on_exit;
    bool finished = false;
};

ProcessWatcher::ProcessWatcher(IoContext& io, UniqueFd pidfd, Callback on_exit) {
    if (!pidfd) throw Error("watch process: invalid pidfd");
    impl_ = std::make_shared<Impl>(io, pidfd.get(), std::move(on_exit));
    pidfd.release();
    impl_->arm();
}

ProcessWatcher::~ProcessWatcher() { cancel(); }

void ProcessWatcher::cancel() {
    if (!impl_ || impl_->finished) return;
    impl_->finished = true;
    impl_->on_exit = nullptr;
    boost::system::error_code ignored;
    impl_->descriptor.close(ignored);
}

bool ProcessWatcher::done() const { return impl_->finished; }

}  // namespace stk::supervise
