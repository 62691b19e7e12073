#include "runtime/process/pty.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

bool write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// Copies what the master has now; false at EOF/EIO (every slave closed).
bool drain_master(int master) {
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return true;
        if (n <= 0) return false;
        write_all(1, buf, static_cast<size_t>(n));
    }
}

}  // namespace

Pty open_pty() {
    UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) throw_errno("posix_openpt");
    check_sys(::grantpt(master.get()), "grantpt");
    check_sys(::unlockpt(master.get()), "unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw_errno("ptsname");
    UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) throw_errno(fmt::format("open \"{}\"", name));
    winsize ws{};
    if (::isatty(0) && ::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(slave.get(), TIOCSWINSZ, &ws);
    return Pty{std::move(master), std::move(slave)};
}

void bridge_pty(int master, int stop_fd) {
    termios saved{};
    bool raw = ::isatty(0) && ::tcgetattr(0, &saved) == 0;
    if (raw) {
        termios t = saved;
        ::cfmakeraw(&t);
        ::tcsetattr(0, TCSANOW, &t);
    }
    int flags = ::fcntl(master, F_GETFL);
    ::fcntl(master, F_SETFL, flags | O_NONBLOCK);
    // A resize of the local terminal (SIGWINCH) is copied to the pty, whose kernel side then
    // signals the inner foreground process group.
    sigset_t winch, saved_mask;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &winch, &saved_mask);
    UniqueFd resize(raw ? ::signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK) : -1);
    pollfd fds[4] = {{master, POLLIN, 0}, {0, POLLIN, 0}, {stop_fd, POLLIN, 0},
                     {resize.get(), POLLIN, 0}};
    char buf[8192];
    for (;;) {
        if (fds[3].revents & POLLIN) {
            signalfd_siginfo info{};
            while (::read(resize.get(), &info, sizeof info) == sizeof info) {
            }
            winsize ws{};
            if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(master, TIOCSWINSZ, &ws);
        }
        if (::poll(fds, 4, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!drain_master(master)) break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = ::read(0, buf, sizeof buf);
            if (n <= 0)
                fds[1].fd = -1;  // stdin closed: keep showing output
            else
                write_all(master, buf, static_cast<size_t>(n));
        }
        if (fds[2].revents & POLLIN) {
            drain_master(master);
            break;
        }
    }
    if (raw) ::tcsetattr(0, TCSANOW, &saved);
    ::sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
}

}  // namespace stk::runtime
