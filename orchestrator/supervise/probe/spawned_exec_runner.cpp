#include "orchestrator/supervise/probe/spawned_exec_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

#include "orchestrator/supervise/loop/process_watcher.hpp"
#include "runtime/sys/error.hpp"

extern char** environ;

namespace stk::supervise {

namespace {

namespace asio = boost::asio;

// After the exit, how long to wait for the output pipe's EOF (a background grandchild may
// hold the pipe open; docker does not wait for it either).
constexpr Duration kOutputDrain = std::chrono::milliseconds(50);

class ExecSession : public std::enable_shared_from_this<ExecSession> {
public:
    ExecSession(IoContext& io, Duration timeout, ProbeCallback done)
        : io_(io), output_(io), timer_(io), drain_(io), timeout_(timeout), done_(std::move(done)) {}

    void start(SpawnedProbe probe) {
        start_ = Clock::now();
        pidfd_ = probe.pidfd.get();
        watcher_.emplace(io_, std::move(probe.pidfd),
                         [self = shared_from_this()](const ExitStatus& s) { self->exited(s); });
        if (probe.output) {
            output_.assign(probe.output.release());
            read();
        } else {
            eof_ = true;
        }
        timer_.expires_after(timeout_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->expire();
        });
    }

    // The process could not be started: exit -1 with the reason, from the loop.
    void fail_soon(std::string message) {
        start_ = Clock::now();
        asio::post(io_, [self = shared_from_this(), message = std::move(message)] {
            self->finished_ = true;
            ProbeCallback done = std::move(self->done_);
            done(ProbeResult{self->start_, Clock::now(), kProbeErrorExit, message});
        });
    }

private:
    void read() {
        output_.async_read_some(asio::buffer(chunk_),
                                [self = shared_from_this()](const boost::system::error_code& ec,
                                                            size_t n) { self->got(ec, n); });
    }

    void got(const boost::system::error_code& ec, size_t n) {
        if (finished_) return;
        // Keep one byte past the limit so truncation adds docker's "...".
        size_t room = kMaxProbeOutput + 1 - std::min(text_.size(), kMaxProbeOutput + 1);
        text_.append(chunk_.data(), std::min(n, room));
        if (ec) {
            eof_ = true;
            if (status_) finish();
            return;
        }
        read();
    }

    void exited(const ExitStatus& status) {
        if (finished_) return;
        status_ = status;
        if (eof_) return finish();
        drain_.expires_after(kOutputDrain);
        drain_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->finish();
        });
    }

    void expire() {
        if (finished_ || status_) return;
        timed_out_ = true;
        // The pidfd stays valid until the watcher reports: no pid reuse race.
        ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        boost::system::error_code ignored;
        timer_.cancel();
        drain_.cancel();
        output_.close(ignored);
        TimePoint end = Clock::now();
        ProbeCallback done = std::move(done_);
        if (timed_out_) return done(timeout_result(start_, end, timeout_));
        int code = status_ && status_->known ? status_->exit_code : kProbeErrorExit;
        done(ProbeResult{start_, end, code, truncate_probe_output(text_)});
    }

    IoContext& io_;
    asio::posix::stream_descriptor output_;
    asio::steady_timer timer_;
    asio::steady_timer drain_;
    Duration timeout_;
    ProbeCallback done_;
    std::optional<ProcessWatcher> watcher_;
    int pidfd_ = -1;
    TimePoint start_;
    std::array<char, 4096> chunk_{};
    std::string text_;
    std::optional<ExitStatus> status_;
    bool eof_ = false;
    bool timed_out_ = false;
    bool finished_ = false;
};

}  // namespace

void SpawnedExecProbeRunner::run(const std::vector<std::string>& argv, Duration timeout,
                                 ProbeCallback done) {
    auto session = std::make_shared<ExecSession>(io_, timeout, std::move(done));
    SpawnedProbe probe;
    try {
        probe = spawner_(argv);
    } catch (const std::exception& e) {
        return session->fail_soon(e.what());
    }
    session->start(std::move(probe));
}

SpawnedProbe spawn_host_process(const std::vector<std::string>& argv) {
    if (argv.empty()) throw Error("spawn probe: empty command");
    int fds[2];
    check_sys(::pipe2(fds, O_CLOEXEC), "pipe2");
    UniqueFd read_end(fds[0]), write_end(fds[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int err = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err != 0) throw SysError("spawn \"" + argv[0] + "\"", err);
    write_end.reset();
    SpawnedProbe probe;
    try {
        probe.pidfd = open_pidfd(pid);
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    probe.output = std::move(read_end);
    return probe;
}

}  // namespace stk::supervise
