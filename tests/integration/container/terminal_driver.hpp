#pragma once
// Runs `stack <args>` with a real pseudo-terminal as its controlling terminal and stdin/stdout/
// stderr, the way a user at a terminal would, and drives it from the master side: type text,
// wait for output, collect the exit code. The process is killed (by pid) if a test gives up.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/integration/container/container_harness.hpp"

namespace stk::test {

class TerminalDriver {
public:
    TerminalDriver(const StackEnv& env, const std::vector<std::string>& args, winsize size) {
        int master = -1, slave = -1;
        if (::openpty(&master, &slave, nullptr, nullptr, &size) != 0)
            throw std::runtime_error("openpty failed");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setsid();
            ::ioctl(slave, TIOCSCTTY, 0);
            for (int fd = 0; fd < 3; ++fd) ::dup2(slave, fd);
            ::close(slave);
            ::close(master);
            ::setenv("STACK_RUN_ROOT", env.run_root().c_str(), 1);
            ::setenv("STACK_DATA_ROOT", (env.dir() / "data").c_str(), 1);
            ::setenv("STACK_CGROUP_PARENT", env.id().c_str(), 1);
            std::vector<char*> argv{const_cast<char*>(STACK_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(STACK_BINARY, argv.data());
            ::_exit(127);
        }
        ::close(slave);
        master_ = master;
        if (pid_ < 0) throw std::runtime_error("fork failed");
    }
    ~TerminalDriver() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) ::close(master_);
    }
    TerminalDriver(const TerminalDriver&) = delete;
    TerminalDriver& operator=(const TerminalDriver&) = delete;

    void type(const std::string& text) {
        if (::write(master_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            throw std::runtime_error("write to the terminal failed");
    }

    // Reads until `text` has appeared in the output (true) or `limit` passes / the terminal
    // closes (false).
    bool expect(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        auto end = std::chrono::steady_clock::now() + limit;
        while (output_.find(text) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
        }
        return true;
    }

    // Reads what is left until the terminal closes, then reaps the process; its exit code.
    int finish(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        auto end = std::chrono::steady_clock::now() + limit;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) break;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    const std::string& output() const { return output_; }

private:
    // False on timeout, EOF or EIO (every slave closed).
    bool read_some(int timeout_ms) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char buf[4096];
        ssize_t n = ::read(master_, buf, sizeof buf);
        if (n <= 0) return false;
        output_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int master_ = -1;
    std::string output_;
};

}  // namespace stk::test
