#pragma once
// Parent side, before clone: the container's private directories under
// <run_root>/containers/<name>/ (upper, work, merged mount point). They survive a restart of
// the container; remove_rootfs_dirs() deletes them at `rm`.
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
// (a leftover mount is detached first). Logs, never throws.
void remove_rootfs_dirs(const std::string& container_name) noexcept;

}  // namespace stk::runtime
