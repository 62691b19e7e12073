#pragma once
// develop.watch `sync`: puts a host file into a running container's file system, never
// leaving it. Every path inside is resolved from the container's root directory fd
// (runtime/path: openat2 RESOLVE_IN_ROOT), so a symlink in the container that points at a host
// path resolves inside the container; new entries are created relative to their parent's fd.
#include <sys/types.h>

#include <filesystem>
#include <string>

#include "runtime/sys/unique_fd.hpp"

namespace stk::watch {

// The root directory of a running container, through its init process: /proc/<pid>/root.
UniqueFd open_container_root(pid_t pid);

// Makes `target` (absolute inside the root) what `host` is now:
//  - a regular file: written to a temporary name next to it, then renamed over it (a reader
//    never sees half a file), with the host file's permission bits;
//  - a directory: created (its files are synced one by one by the caller);
//  - a symlink: recreated with the same link text;
//  - gone: the target is removed (recursively for a directory), if it exists.
// Missing parent directories are created. Throws Error naming the host and target paths.
void sync_path(int root_fd, const std::filesystem::path& host, const std::string& target);

}  // namespace stk::watch
