#include "network/netns_socket.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/sys/error.hpp"

namespace stk::net {

UniqueFd socket_in_netns(int netns_fd, int domain, int type, int protocol) {
    // setns(CLONE_NEWNET) changes only the calling thread, and a socket keeps the namespace it
    // was made in. Switching there and back costs about 6 us; a throwaway thread costs about
    // 80 us, which the proxy would pay per connection.
    UniqueFd original(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!original) throw_errno("open /proc/thread-self/ns/net");
    if (::setns(netns_fd, CLONE_NEWNET) != 0)
        throw_errno(fmt::format("setns(fd {}, CLONE_NEWNET) to create a socket", netns_fd));
    int fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
    int err = errno;
    if (::setns(original.get(), CLONE_NEWNET) != 0) {
        // A thread left in the other namespace would silently put every later socket there.
        std::fprintf(stderr, "stack: cannot return to the original network namespace: %s\n",
                     std::strerror(errno));
        std::abort();
    }
    if (fd < 0)
        throw SysError(
            fmt::format("socket(domain {}, type {}) in netns fd {}", domain, type, netns_fd), err);
    return UniqueFd(fd);
}

}  // namespace stk::net
