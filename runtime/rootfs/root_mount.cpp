#include "runtime/rootfs/root_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "runtime/mount/mount_api.hpp"
#include "runtime/mount/mount_options.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::runtime {
namespace {

// Stacks longer than mount(2)'s one page of option data: one fsconfig call per layer
// ("lowerdir+", kernel >= 6.8) takes each path literally, so nothing needs escaping.
void mount_overlay_per_layer(const std::vector<std::filesystem::path>& lowers,
                             const RootfsLayout& l, bool user_namespace) {
    FsOptions opts;
    for (const auto& lower : lowers) opts.emplace_back("lowerdir+", lower.string());
    opts.emplace_back("upperdir", l.upper.string());
    opts.emplace_back("workdir", l.work.string());
    if (user_namespace) opts.emplace_back("userxattr", "");
    UniqueFd mnt = new_fs_mount("overlay", "overlay", opts, 0);
    UniqueFd target(::open(l.merged.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!target) throw_errno(fmt::format("open \"{}\"", l.merged.string()));
    attach_mount(mnt.get(), target.get(), l.merged.string());
}

// In a user namespace trusted.* xattrs are refused: overlay keeps its metadata in user.*.
void mount_overlay(const std::vector<std::filesystem::path>& lowers, const RootfsLayout& l,
                   bool user_namespace) {
    std::string options = overlay_options(lowers, l.upper, l.work);
    if (user_namespace) options += ",userxattr";
    // mount(2) copies at most one page of option data; longer strings would be cut.
    if (options.size() >= 4096) {
        with_context(fmt::format("mount an overlay of {} layers on \"{}\"", lowers.size(),
                                 l.merged.string()),
                     [&] { mount_overlay_per_layer(lowers, l, user_namespace); });
        return;
    }
    if (::mount("overlay", l.merged.c_str(), "overlay", 0, options.c_str()) != 0)
        throw_errno(fmt::format("mount overlay \"{}\" on \"{}\"", options, l.merged.string()));
}

}  // namespace

void mount_root_in_child(const RootfsSpec& rootfs, const RootfsLayout& layout,
                         bool user_namespace) {
    switch (rootfs.kind) {
        case RootfsSpec::Kind::Directory: {
            UniqueFd tree = clone_mount_tree(AT_FDCWD, rootfs.directory.string(), true);
            UniqueFd target(::open(layout.merged.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!target) throw_errno(fmt::format("open \"{}\"", layout.merged.string()));
            attach_mount(tree.get(), target.get(), layout.merged.string());
            break;
        }
        case RootfsSpec::Kind::Layers:
            mount_overlay(rootfs.lower_dirs, layout, user_namespace);
            break;
        case RootfsSpec::Kind::HostView:
            mount_overlay({"/"}, layout, user_namespace);
            break;
    }
}

void hide_stack_dirs_in_host_view(int root_fd) {
    for (const auto& dir : {run_root(), data_root()}) {
        UniqueFd target;
        try {
            target = open_in_root(root_fd, dir.string(), O_PATH | O_DIRECTORY);
        } catch (const Error& e) {
            if (e.code() == std::errc::no_such_file_or_directory) continue;
            throw;
        }
        UniqueFd empty = new_fs_mount(
            "tmpfs", "tmpfs", {{"size", "4k"}, {"mode", "755"}},
            MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        attach_mount(empty.get(), target.get(), dir.string());
    }
}

}  // namespace stk::runtime
