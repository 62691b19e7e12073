#pragma once
// Runs a created-from-spec container from the CLI: in the foreground (this process is its
// parent, forwards signals, bridges a pty) or detached (a monitor process records its exit).
// Used by `stack container run` and `stack run`.
#include <string>

#include "runtime/container.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {

// stack's own failure, as docker's 125.
inline constexpr int kStackFailed = 125;

// 126/127 for a command that could not be executed (EACCES / ENOENT), as docker does.
int exec_failure_code(const Error& e);

// Creates, starts and waits; the container's exit code. With `rm` the container is removed.
int run_foreground(const runtime::ContainerSpec& spec, bool rm);

// Creates and starts under a monitor process; prints the name. 0, or the failure's code.
int run_detached(runtime::ContainerSpec spec, bool rm);

}  // namespace stk::cli
