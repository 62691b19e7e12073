#pragma once
// In the child, after /sys: /sys/fs/cgroup as docker gives it, read-only unless privileged.
// A pure v2 host gets a fresh cgroup2 mount; a v1/hybrid host gets a tmpfs holding a fresh
// mount of each hierarchy the host has (same controllers, "name=systemd", the v2 "unified").
// Fresh mounts made inside the container's cgroup namespace show its own cgroup as the root.
// v1 hierarchies cannot be mounted from inside a user namespace; there only v2 is mounted.

namespace stk::runtime {

void mount_cgroup_in_child(int root_fd, bool privileged, bool user_namespace);

}  // namespace stk::runtime
