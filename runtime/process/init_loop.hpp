#pragma once
// The container's PID 1 after setup (catatonit's contract, without exec): forwards every
// catchable signal to the service process, reaps every zombie, and when the service has exited
// reports its status over the sync channel and exits with code (or 128+signal).
#include <sys/types.h>

namespace stk::runtime {

// `signal_fd` is a signalfd for every signal, all of which are blocked in the caller.
[[noreturn]] void run_init_loop(pid_t service, int signal_fd, int sync_fd) noexcept;

}  // namespace stk::runtime
