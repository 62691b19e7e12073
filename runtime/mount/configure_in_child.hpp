#pragma once
// Runs in the cloned child, in its NEW mount namespace (and new pid namespace, as PID 1 or its
// child), single-threaded, before dropping privileges:
//   makes "/" rslave, mounts the overlay (Layers/HostView) or binds the directory at
//   layout.merged, mounts /proc, /dev (tmpfs + null zero full random urandom tty, ptmx, fd
//   links, pts newinstance, shm with spec.resources.shm_size, mqueue), /sys ro, /sys/fs/cgroup ro
//   (see mount/cgroup_mount.hpp), user mounts
//   (bind, volume, tmpfs; targets resolved inside the root with openat2 RESOLVE_IN_ROOT and
//   created when missing), /etc/hosts|hostname|resolv.conf from the spec's files, masked and
//   read-only paths (skipping missing ones; none when privileged), then pivot_root (never
//   chroot), detaches the old root, makes the root read-only when spec.rootfs.read_only,
//   chdir to spec.process.cwd (created if missing) and checks the cwd is inside the root.
// Throws stk::Error with context on failure. Every mount happens inside the child's mount
// namespace, so a killed supervisor leaves no host mount behind.
#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/spec.hpp"

namespace stk::runtime {

void configure_mounts_in_child(const ContainerSpec& spec, const RootfsLayout& layout);

}  // namespace stk::runtime
