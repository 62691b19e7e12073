#pragma once
// Sockets that belong to another network namespace. A socket keeps the namespace it was created
// in for its whole life, so the caller can use it from any thread afterwards.
#include "runtime/sys/unique_fd.hpp"

namespace stk::net {

// Creates a socket inside the network namespace `netns_fd` (SOCK_CLOEXEC is always added).
// The setns happens on a short-lived thread, so the calling thread never changes namespace.
UniqueFd socket_in_netns(int netns_fd, int domain, int type, int protocol = 0);

}  // namespace stk::net
