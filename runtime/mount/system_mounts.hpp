#pragma once
// In the child, before pivot_root: the kernel filesystems docker gives every container, mounted
// onto fds resolved inside the new root (root_fd = the assembled root at layout.merged).
#include <cstdint>

namespace stk::runtime {

// /proc (nosuid,noexec,nodev); checks the result really is procfs.
void mount_proc_in_child(int root_fd);

// /dev: tmpfs with null zero full random urandom tty, ptmx -> pts/ptmx, fd/stdin/stdout/stderr
// links, /dev/pts (devpts newinstance), /dev/shm (tmpfs of shm_size bytes), /dev/mqueue.
void mount_dev_in_child(int root_fd, uint64_t shm_size);

// /sys: sysfs, read-only unless privileged.
void mount_sys_in_child(int root_fd, bool privileged);

}  // namespace stk::runtime
