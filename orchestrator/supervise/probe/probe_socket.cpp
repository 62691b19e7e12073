#include "orchestrator/supervise/probe/probe_socket.hpp"

#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <thread>

#include "runtime/sys/error.hpp"

namespace stk::supervise {

UniqueFd probe_socket(int netns_fd, int domain, int type) {
    if (netns_fd < 0) {
        return UniqueFd(check_sys(::socket(domain, type | SOCK_CLOEXEC, 0), "socket"));
    }
    int fd = -1;
    int err = 0;
    const char* failed = nullptr;
    std::thread worker([&] {
        // setns changes only this thread's namespace; the thread ends right after.
        if (::setns(netns_fd, CLONE_NEWNET) != 0) {
            err = errno;
            failed = "setns";
            return;
        }
        fd = ::socket(domain, type | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            failed = "socket";
        }
    });
    worker.join();
    if (failed)
        throw SysError(std::string(failed) + " in network namespace fd " +
                           std::to_string(netns_fd),
                       err);
    return UniqueFd(fd);
}

}  // namespace stk::supervise
