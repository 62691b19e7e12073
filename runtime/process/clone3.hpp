#pragma once
// clone3(2) without a new stack: returns twice like fork(), with a pidfd for the parent.
#include <sys/types.h>

#include <cstdint>

namespace stk::runtime {

struct CloneResult {
    pid_t pid = -1;   // 0 in the child
    int pidfd = -1;   // parent only
};

// `flags` are CLONE_NEW* bits; CLONE_PIDFD is added. With cgroup_fd >= 0 the child is born in
// that cgroup (CLONE_INTO_CGROUP); when the kernel refuses that, the clone is retried without
// it and `into_cgroup` reports false. Throws SysError naming the flags.
CloneResult clone3_process(uint64_t flags, int cgroup_fd, bool& into_cgroup);

}  // namespace stk::runtime
