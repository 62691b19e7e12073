#pragma once
// In the child's mount namespace: assembles the container root at layout.merged — a recursive
// bind of the directory, or an overlay of the image layers / the host's "/" with the
// container's private upper layer.
#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/spec.hpp"

namespace stk::runtime {

// user_namespace: the child is in its own user namespace (overlay then needs userxattr).
void mount_root_in_child(const RootfsSpec& rootfs, const RootfsLayout& layout, bool user_namespace);

// HostView only: covers stack's own state and data directories (other containers' uppers,
// volumes, state files) with an empty read-only tmpfs inside the view. root_fd: layout.merged.
void hide_stack_dirs_in_host_view(int root_fd);

}  // namespace stk::runtime
