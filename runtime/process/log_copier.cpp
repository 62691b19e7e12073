#include "runtime/process/log_copier.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "runtime/process/timestamp.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

void write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= static_cast<size_t>(w);
    }
}

// Splits one read into lines; a trailing fragment without '\n' still becomes its own line.
void log_chunk(int log_fd, const char* stream, const char* data, size_t n) {
    char ts[64];
    size_t ts_len = rfc3339_now(ts, sizeof ts);
    std::string out;
    size_t start = 0;
    while (start < n) {
        const void* nl = std::memchr(data + start, '\n', n - start);
        size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : n;
        out.append(ts, ts_len).append(" ").append(stream).append(" ");
        out.append(data + start, end - start).append("\n");
        start = end + 1;
    }
    write_all(log_fd, out.data(), out.size());
}

[[noreturn]] void copy_loop(int out_r, int err_r, int log_fd) {
    pollfd fds[2] = {{out_r, POLLIN, 0}, {err_r, POLLIN, 0}};
    const char* names[2] = {"stdout", "stderr"};
    int open_count = 2;
    char buf[16384];
    while (open_count > 0) {
        int r = ::poll(fds, 2, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) ::_exit(1);
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
                continue;
            }
            log_chunk(log_fd, names[i], buf, static_cast<size_t>(n));
        }
    }
    ::_exit(0);
}

}  // namespace

LogCopier start_log_copier(const std::filesystem::path& log_file) {
    UniqueFd log(::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!log) throw_errno(fmt::format("open log file \"{}\"", log_file.string()));
    int out[2], err[2];
    check_sys(::pipe2(out, O_CLOEXEC), "pipe2 for stdout");
    UniqueFd out_r(out[0]), out_w(out[1]);
    check_sys(::pipe2(err, O_CLOEXEC), "pipe2 for stderr");
    UniqueFd err_r(err[0]), err_w(err[1]);
    pid_t pid = check_sys(::fork(), "fork the log copier");
    if (pid == 0) {
        // Keep only the pipes' read ends and the log; ignore job-control signals of the CLI.
        ::signal(SIGINT, SIG_IGN);
        ::signal(SIGHUP, SIG_IGN);
        ::signal(SIGPIPE, SIG_IGN);
        ::prctl(PR_SET_NAME, "stk-log", 0, 0, 0);
        int keep[3] = {out_r.get(), err_r.get(), log.get()};
        // Move them above the target numbers first so no dup2 overwrites another.
        for (int i = 0; i < 3; ++i) keep[i] = ::fcntl(keep[i], F_DUPFD, 100);
        for (int i = 0; i < 3; ++i) ::dup2(keep[i], 3 + i);
        ::syscall(SYS_close_range, 6U, ~0U, 0U);
        int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
            if (null > 2) ::close(null);
        }
        copy_loop(3, 4, 5);
    }
    LogCopier c;
    c.stdout_w = std::move(out_w);
    c.stderr_w = std::move(err_w);
    c.pid = pid;
    return c;
}

}  // namespace stk::runtime
