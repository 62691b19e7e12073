#pragma once
// A socket created inside a container's network namespace, for native probes. A socket keeps
// the namespace it was created in, so it can be used from the loop's thread afterwards.
// (Private to the supervisor until network/'s stk::net::socket_in_netns has an implementation;
// then this can forward to it.)
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

// `netns_fd` < 0: the caller's namespace. The setns happens on a short-lived thread so the
// calling thread never changes namespace. SOCK_CLOEXEC is always added. Throws SysError.
UniqueFd probe_socket(int netns_fd, int domain, int type);

}  // namespace stk::supervise
