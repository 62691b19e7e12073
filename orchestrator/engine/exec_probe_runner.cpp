#include "orchestrator/engine/exec_probe_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "orchestrator/supervise/loop/process_watcher.hpp"
#include "orchestrator/supervise/loop/timer.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/error.hpp"

namespace stk::engine {
namespace asio = boost::asio;
using supervise::Clock;
using supervise::ProbeResult;

struct ForkExecProbeRunner::Probe : std::enable_shared_from_this<Probe> {
    Probe(supervise::IoContext& io, int fd) : pipe(io, fd), timer(io) {}

    void read_more() {
        pipe.async_read_some(asio::buffer(buf), [self = shared_from_this()](
                                                    const boost::system::error_code& ec, size_t n) {
            if (ec) {
                self->eof = true;
                self->maybe_finish();
                return;
            }
            if (self->output.size() < supervise::kMaxProbeOutput + 1)
                self->output.append(self->buf.data(), n);
            self->read_more();
        });
    }

    void maybe_finish() {
        if (finished || !exit_known || !eof) return;
        finish(exit_code);
    }

    void finish(int code) {
        if (finished) return;
        finished = true;
        auto hold = std::move(self);  // released when this returns
        timer.cancel();
        if (watcher) watcher->cancel();
        boost::system::error_code ignored;
        pipe.close(ignored);
        ProbeResult r;
        r.start = start;
        r.end = Clock::now();
        if (timed_out) {
            r = supervise::timeout_result(start, r.end, timeout);
        } else {
            r.exit_code = code;
            r.output = supervise::truncate_probe_output(output);
        }
        auto cb = std::move(done);
        if (cb) cb(std::move(r));
    }

    // SIGKILL to the group, then reap at once (a killed process exits promptly) so that no
    // zombie is left when the watcher goes away with this probe.
    void kill_group() {
        if (pid <= 0 || exit_known) return;
        ::kill(-pid, SIGKILL);
        if (watcher) watcher->cancel();
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        exit_known = true;
    }

    // What the probe wrote before it exited and is still in the pipe.
    void drain() {
        int fd = pipe.native_handle();
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        for (;;) {
            ssize_t n = ::read(fd, buf.data(), buf.size());
            if (n <= 0) break;
            if (output.size() < supervise::kMaxProbeOutput + 1)
                output.append(buf.data(), static_cast<size_t>(n));
        }
    }

    asio::posix::stream_descriptor pipe;
    supervise::Timer timer;
    std::shared_ptr<Probe> self;  // alive until finished, whichever event comes last
    std::unique_ptr<supervise::ProcessWatcher> watcher;
    std::array<char, 4096> buf{};
    std::string output;
    supervise::TimePoint start;
    supervise::Duration timeout{};
    supervise::ProbeCallback done;
    pid_t pid = -1;
    int exit_code = supervise::kProbeErrorExit;
    bool exit_known = false;
    bool eof = false;
    bool timed_out = false;
    bool finished = false;
};

ForkExecProbeRunner::ForkExecProbeRunner(supervise::IoContext& io, std::string container)
    : io_(io), container_(std::move(container)) {}

ForkExecProbeRunner::~ForkExecProbeRunner() {
    if (auto p = current_.lock()) {
        p->kill_group();
        p->done = nullptr;
        p->finish(supervise::kProbeErrorExit);
    }
}

void ForkExecProbeRunner::run(const std::vector<std::string>& argv, supervise::Duration timeout,
                              supervise::ProbeCallback done) {
    auto start = Clock::now();
    auto fail = [&](const std::string& why) {
        ProbeResult r;
        r.start = start;
        r.end = Clock::now();
        r.output = supervise::truncate_probe_output(why);
        asio::post(io_, [done = std::move(done), r = std::move(r)]() mutable { done(r); });
    };
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail(fmt::format("pipe2: {}", strerror(errno)));
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return fail(fmt::format("fork the probe: {}", strerror(errno)));
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        int code = supervise::kProbeErrorExit & 0xff;
        try {
            runtime::ExecSpec spec;
            spec.args = argv;
            code = runtime::exec_in(container_, spec).exit_code();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            code = 126;
        }
        std::fflush(nullptr);
        ::_exit(code);
    }
    ::setpgid(pid, pid);  // also from here: the kill below must not race the child's setpgid
    ::close(fds[1]);
    auto p = std::make_shared<Probe>(io_, fds[0]);
    p->pid = pid;
    p->start = start;
    p->timeout = timeout;
    p->done = std::move(done);
    p->self = p;
    current_ = p;
    try {
        p->watcher = std::make_unique<supervise::ProcessWatcher>(
            io_, supervise::open_pidfd(pid), [weak = std::weak_ptr<Probe>(p)](
                                                 const supervise::ExitStatus& st) {
                auto self = weak.lock();
                if (!self) return;
                self->exit_known = true;
                self->exit_code = st.exit_code;
                // A process left in the container may hold the pipe: do not wait for EOF.
                self->drain();
                self->eof = true;
                self->maybe_finish();
            });
    } catch (const std::exception& e) {
        ::kill(-pid, SIGKILL);
        p->exit_known = true;
        p->output = e.what();
        p->eof = true;
        p->maybe_finish();
        return;
    }
    p->timer.after(timeout, [weak = std::weak_ptr<Probe>(p)] {
        auto self = weak.lock();
        if (!self) return;
        self->timed_out = true;
        self->kill_group();
        self->finish(supervise::kProbeErrorExit);
    });
    p->read_more();
}

}  // namespace stk::engine
