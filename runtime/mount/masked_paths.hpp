#pragma once
// In the child, after /proc, /sys and the user mounts, before pivot_root: docker's masked paths
// (files covered by /dev/null, directories by an empty read-only tmpfs) and read-only paths.
// Paths missing on this kernel are skipped. The privileged mode calls neither.

namespace stk::runtime {

void mask_paths_in_child(int root_fd);
void make_paths_read_only_in_child(int root_fd);

}  // namespace stk::runtime
