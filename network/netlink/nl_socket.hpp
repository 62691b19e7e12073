#pragma once
// A NETLINK_ROUTE socket (libnl) bound to the namespace it was opened in, and libnl errors as
// stk::Error. A netlink socket talks to the namespace that was current when it was created.
#include <string>

struct nl_sock;

namespace stk::net {

class NlSocket {
public:
    // Opens a route socket in the calling thread's namespace.
    NlSocket();
    // Opens a route socket in `netns_fd` (the calling thread returns to its own namespace).
    static NlSocket open_in(int netns_fd);

    NlSocket(NlSocket&& other) noexcept;
    NlSocket& operator=(NlSocket&& other) noexcept;
    NlSocket(const NlSocket&) = delete;
    NlSocket& operator=(const NlSocket&) = delete;
    ~NlSocket();

    nl_sock* get() const noexcept { return sock_; }

private:
    nl_sock* sock_ = nullptr;
};

// Throws Error "<operation>: <libnl text>" when err < 0 (libnl's negative NLE_* codes); the
// error code is the closest errno so callers can test for EEXIST or ENODEV.
void check_nl(int err, const std::string& operation);
int nl_error_to_errno(int nl_err) noexcept;

}  // namespace stk::net
