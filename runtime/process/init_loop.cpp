#include "runtime/process/init_loop.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "runtime/process/sync_channel.hpp"

namespace stk::runtime {

void run_init_loop(pid_t service, int signal_fd, int sync_fd) noexcept {
    for (;;) {
        signalfd_siginfo info{};
        ssize_t n = ::read(signal_fd, &info, sizeof info);
        if (n < 0 && errno == EINTR) continue;
        if (n != static_cast<ssize_t>(sizeof info)) ::_exit(125);
        int sig = static_cast<int>(info.ssi_signo);
        if (sig != SIGCHLD) {
            // Signals from inside the container that target PID 1 end up at the service too;
            // the kernel already keeps uncaught ones from killing us.
            ::kill(service, sig);
            continue;
        }
        // SIGCHLD coalesces: reap until nothing is left.
        for (;;) {
            int status = 0;
            pid_t pid = ::waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            if (pid != service) continue;
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
            int signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            sync_send_exit(sync_fd, code, signo);
            ::_exit(signo != 0 ? 128 + signo : code);
        }
    }
}

}  // namespace stk::runtime
