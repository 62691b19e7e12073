#pragma once
// Parent side, before clone: the container's private directories under
// <run_root>/containers/<name>/ (upper, work, merged mount point). The writable layer (upper,
// work) survives a reset (stop/start, restarts); remove_rootfs_dirs() deletes it at `rm`.
#include <filesystem>
#include <string>

#include "runtime/spec.hpp"

namespace stk::runtime {

struct RootfsLayout {
    std::filesystem::path dir;     // <run_root>/containers/<name>
    std::filesystem::path upper;   // overlay upper layer (Layers, HostView)
    std::filesystem::path work;    // overlay work dir
    std::filesystem::path merged;  // where the root is assembled before pivot_root
};

// The layout a container of this name has (pure: no filesystem access).
RootfsLayout rootfs_layout_for(const std::string& container_name);

// Creates the directories (idempotent) and checks the spec's rootfs sources exist.
// Throws stk::Error naming the container and the path.
RootfsLayout prepare_rootfs_dirs(const ContainerSpec& spec);

// Removes <run_root>/containers/<name>/ and everything in it, without crossing mount points
// (a leftover mount is detached first). Logs, never throws. keep_writable_layer: everything
// but the overlay's upper and work directories, which the next container of this name reuses.
void remove_rootfs_dirs(const std::string& container_name,
                        bool keep_writable_layer = false) noexcept;

}  // namespace stk::runtime
