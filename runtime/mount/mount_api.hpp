#pragma once
// Thin, error-carrying wrappers over the fd-based mount API (fsopen/fsmount, open_tree,
// mount_setattr, move_mount). Mounting onto an fd from openat2(RESOLVE_IN_ROOT) means a
// symlink swapped in after resolution cannot redirect the mount onto a host path.
#include <string>
#include <utility>
#include <vector>

#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

// fsconfig key/value pairs; an empty value sets a flag option ("newinstance").
using FsOptions = std::vector<std::pair<std::string, std::string>>;

// A new, detached filesystem mount ("tmpfs", "proc", ...) with MOUNT_ATTR_* `attrs`.
UniqueFd new_fs_mount(const std::string& fstype, const std::string& source,
                      const FsOptions& options, unsigned attrs);

// A detached copy of the mount tree at `path` (relative to dirfd; empty path = dirfd itself).
UniqueFd clone_mount_tree(int dirfd, const std::string& path, bool recursive);

// Sets (and clears) MOUNT_ATTR_* flags on a mount (tree) given by fd; `propagation` is 0 (keep)
// or MS_PRIVATE / MS_SLAVE / MS_SHARED.
void set_mount_attrs(int mount_fd, unsigned set, unsigned clear, bool recursive,
                     const std::string& what, unsigned propagation = 0);

// Attaches a detached mount onto the object behind target_fd; `what` names the target.
void attach_mount(int mount_fd, int target_fd, const std::string& what);

}  // namespace stk::runtime
