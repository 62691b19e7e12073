#include "network/netns_socket.hpp"

#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <thread>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::net {

UniqueFd socket_in_netns(int netns_fd, int domain, int type, int protocol) {
    // setns(CLONE_NEWNET) changes only the calling thread; a throwaway thread means no thread
    // that serves other work can be left in the wrong namespace if something fails midway.
    int fd = -1;
    int err = 0;
    const char* step = "";
    std::thread worker([&] {
        if (::setns(netns_fd, CLONE_NEWNET) != 0) {
            err = errno;
            step = "setns";
            return;
        }
        fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            err = errno;
            step = "socket";
        }
    });
    worker.join();
    if (fd < 0) {
        if (std::string(step) == "setns")
            throw SysError(fmt::format("setns(fd {}, CLONE_NEWNET) for a socket", netns_fd), err);
        throw SysError(fmt::format("socket(domain {}, type {}) in netns fd {}", domain, type,
                                   netns_fd),
                       err);
    }
    return UniqueFd(fd);
}

}  // namespace stk::net
