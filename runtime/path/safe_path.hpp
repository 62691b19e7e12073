#pragma once
// Path resolution inside a container root that never leaves it: every lookup goes through
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from a root fd, so an absolute symlink or
// ".." in the image resolves against the container root, not the host's.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

// Opens `path` (absolute or relative, interpreted inside root_fd) with open(2) `flags`.
UniqueFd open_in_root(int root_fd, std::string_view path, int flags, mode_t mode = 0);

// Creates every missing directory of `path` inside the root (mkdirat relative to the parent's
// fd, so a symlink swapped in cannot redirect it) and returns an O_PATH fd of the last one.
UniqueFd mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode = 0755);

// Makes sure `path` exists inside the root as a regular file (parents created) or, when it
// already exists, opens whatever it is; returns an O_PATH fd (a mount target for files).
UniqueFd ensure_file_in_root(int root_fd, std::string_view path, mode_t mode = 0644);

// "/proc/self/fd/N": lets mount(2) act on the object behind an fd instead of a path.
std::string fd_path(int fd);

}  // namespace stk::runtime
