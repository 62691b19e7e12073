#include "runtime/mount/configure_in_child.hpp"

#include <fcntl.h>
#include <sys/mount.h>

#include "runtime/mount/cgroup_mount.hpp"
#include "runtime/mount/masked_paths.hpp"
#include "runtime/mount/pivot_root.hpp"
#include "runtime/mount/system_mounts.hpp"
#include "runtime/mount/user_mounts.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/rootfs/root_mount.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {

void configure_mounts_in_child(const ContainerSpec& spec, const RootfsLayout& layout) {
    with_context("set up mounts", [&] {
        const bool privileged = spec.security.privileged;
        // 1. Nothing we mount may propagate back to the host.
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
            throw_errno("make / rslave");
        // 2. Assemble the root at layout.merged (inside this namespace only).
        with_context("mount the root",
                     [&] { mount_root_in_child(spec.rootfs, layout, spec.user_namespace); });
        UniqueFd root(::open(layout.merged.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno(fmt::format("open \"{}\"", layout.merged.string()));
        if (spec.rootfs.kind == RootfsSpec::Kind::HostView)
            with_context("hide stack's directories",
                         [&] { hide_stack_dirs_in_host_view(root.get()); });
        // 3. Kernel filesystems: /proc, /dev, /sys, /sys/fs/cgroup.
        mount_proc_in_child(root.get());
        mount_dev_in_child(root.get(), spec.resources.shm_size);
        mount_sys_in_child(root.get(), privileged);
        mount_cgroup_in_child(root.get(), privileged, spec.user_namespace);
        // 4. The caller's mounts, then its /etc files (they win over a user mount of /etc).
        mount_user_mounts_in_child(root.get(), spec.mounts);
        mount_etc_files_in_child(root.get(), spec);
        // 5. Masked and read-only paths last, so no user mount can uncover them.
        if (!privileged) {
            mask_paths_in_child(root.get());
            make_paths_read_only_in_child(root.get());
        }
        // 6. The working directory is created while the root is still writable.
        const std::string cwd = spec.process.cwd.empty() ? "/" : spec.process.cwd;
        with_context(fmt::format("create working directory \"{}\"", cwd),
                     [&] { mkdir_all_in_root(root.get(), cwd); });
        root.reset();
        // 7. Switch roots; the host's tree is unreachable afterwards.
        pivot_root_in_child(layout.merged);
        // 8. read_only: true, after every mount point has been created.
        if (spec.rootfs.read_only) make_root_read_only_in_child();
        enter_cwd_in_child(cwd);
    });
}

}  // namespace stk::runtime
