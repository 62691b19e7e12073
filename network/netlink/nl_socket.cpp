#include "network/netlink/nl_socket.hpp"

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <cerrno>
#include <utility>

#include "network/netns/net_namespace.hpp"
#include "runtime/sys/error.hpp"

namespace stk::net {

int nl_error_to_errno(int nl_err) noexcept {
    switch (nl_err < 0 ? -nl_err : nl_err) {
        case NLE_EXIST:
            return EEXIST;
        case NLE_OBJ_NOTFOUND:
        case NLE_NODEV:
            return ENODEV;
        case NLE_PERM:
            return EPERM;
        case NLE_NOACCESS:
            return EACCES;
        case NLE_BUSY:
            return EBUSY;
        case NLE_INVAL:
            return EINVAL;
        case NLE_RANGE:
            return ERANGE;
        case NLE_NOMEM:
            return ENOMEM;
        case NLE_NOADDR:
            return EADDRNOTAVAIL;
        case NLE_OPNOTSUPP:
            return EOPNOTSUPP;
        case NLE_AGAIN:
            return EAGAIN;
        default:
            return EIO;
    }
}

void check_nl(int err, const std::string& operation) {
    if (err >= 0) return;
    throw Error(operation + ": " + nl_geterror(err),
                std::error_code(nl_error_to_errno(err), std::system_category()));
}

NlSocket::NlSocket() {
    sock_ = nl_socket_alloc();
    if (!sock_) throw Error("allocate netlink socket: out of memory");
    int err = nl_connect(sock_, NETLINK_ROUTE);
    if (err < 0) {
        nl_socket_free(sock_);
        sock_ = nullptr;
        check_nl(err, "connect netlink route socket");
    }
}

NlSocket NlSocket::open_in(int netns_fd) {
    return in_netns(netns_fd, [] { return NlSocket(); });
}

NlSocket::NlSocket(NlSocket&& other) noexcept : sock_(std::exchange(other.sock_, nullptr)) {}

NlSocket& NlSocket::operator=(NlSocket&& other) noexcept {
    if (this != &other) {
        if (sock_) nl_socket_free(sock_);
        sock_ = std::exchange(other.sock_, nullptr);
    }
    return *this;
}

NlSocket::~NlSocket() {
    if (sock_) nl_socket_free(sock_);
}

}  // namespace stk::net
