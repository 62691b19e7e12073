#pragma once
// Sockets that belong to another network namespace. A socket keeps the namespace it was created
// in for its whole life, so the caller can use it from any thread afterwards.
#include "runtime/sys/unique_fd.hpp"

namespace stk::net {

// Creates a socket inside the network namespace `netns_fd` (SOCK_CLOEXEC is always added).
// The calling thread enters the namespace for the socket() call only and returns at once (the
// process aborts if it cannot return: a thread stranded in the wrong namespace is unsafe).
UniqueFd socket_in_netns(int netns_fd, int domain, int type, int protocol = 0);

}  // namespace stk::net
