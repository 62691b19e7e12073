#pragma once
// The cloned child's side: everything was decided in the parent (ChildPlan); the child applies
// it as a flat recipe, becomes the container's PID 1 and never returns.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/security/rlimits.hpp"
#include "runtime/spec.hpp"

namespace stk::runtime {

class SeccompProgram;

struct ChildPlan {
    const ContainerSpec* spec = nullptr;
    RootfsLayout layout;
    uint64_t capabilities = 0;
    const SeccompProgram* seccomp = nullptr;  // nullptr: unconfined
    RlimitPlan rlimits;
    int sync_fd = -1;
    int netns_fd = -1;     // Join: the namespace to enter
    int stdout_fd = -1;    // the service's stdout/stderr (tty: the terminal)
    int stderr_fd = -1;
    int tty_fd = -1;       // the pty slave when spec.process.tty
    std::vector<int> cgroup_join_fds;  // Cgroup::open_self_join(): joined before anything else
};

// Runs in the child of clone3. Reports failures (step, errno, text) over plan.sync_fd and exits;
// on success it ends as PID 1 with the service's exit status. Never returns, never throws.
[[noreturn]] void run_container_child(const ChildPlan& plan) noexcept;

}  // namespace stk::runtime
