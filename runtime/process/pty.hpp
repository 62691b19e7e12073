#pragma once
// A pseudo-terminal pair for `tty: true` and `exec -t`: the slave becomes the process's
// stdin/stdout/stderr and controlling terminal, the master stays with the caller.
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

struct Pty {
    UniqueFd master;
    UniqueFd slave;
};

// Both ends CLOEXEC; the slave gets the caller's terminal size when stdin is a terminal.
Pty open_pty();

// Copies stdin -> master and master -> stdout until the master reports EOF/EIO or `stop_fd`
// (e.g. a pidfd) becomes readable and the master is drained. Puts a terminal stdin in raw mode
// meanwhile and restores it.
void bridge_pty(int master, int stop_fd);

}  // namespace stk::runtime
