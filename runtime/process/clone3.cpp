#include "runtime/process/clone3.hpp"

#include <linux/sched.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace stk::runtime {
namespace {

long raw_clone3(uint64_t flags, int* pidfd, int cgroup_fd) {
    clone_args args{};
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(pidfd);
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    return ::syscall(SYS_clone3, &args, sizeof args);
}

}  // namespace

CloneResult clone3_process(uint64_t flags, int cgroup_fd, bool& into_cgroup) {
    int pidfd = -1;
    into_cgroup = cgroup_fd >= 0;
    long pid = raw_clone3(flags, &pidfd, cgroup_fd);
    if (pid < 0 && cgroup_fd >= 0 && (errno == EBUSY || errno == EOPNOTSUPP || errno == EINVAL ||
                                      errno == EACCES || errno == ENOENT)) {
        into_cgroup = false;
        pid = raw_clone3(flags, &pidfd, -1);
    }
    if (pid < 0) throw_errno(fmt::format("clone3(flags={:#x})", flags));
    return CloneResult{static_cast<pid_t>(pid), pid == 0 ? -1 : pidfd};
}

}  // namespace stk::runtime
