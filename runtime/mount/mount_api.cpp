#include "runtime/mount/mount_api.hpp"

#include <fcntl.h>
#include <sys/mount.h>

#include "runtime/sys/error.hpp"

namespace stk::runtime {

UniqueFd new_fs_mount(const std::string& fstype, const std::string& source,
                      const FsOptions& options, unsigned attrs) {
    UniqueFd fs(::fsopen(fstype.c_str(), FSOPEN_CLOEXEC));
    if (!fs) throw_errno(fmt::format("fsopen \"{}\"", fstype));
    if (!source.empty() &&
        ::fsconfig(fs.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) != 0)
        throw_errno(fmt::format("fsconfig {} source=\"{}\"", fstype, source));
    for (const auto& [key, value] : options) {
        int rc = value.empty()
                     ? ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0)
                     : ::fsconfig(fs.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0);
        if (rc != 0)
            throw_errno(
                fmt::format("fsconfig {} {}{}{}", fstype, key, value.empty() ? "" : "=", value));
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        throw_errno(fmt::format("create {} filesystem", fstype));
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, attrs));
    if (!mnt) throw_errno(fmt::format("fsmount {}", fstype));
    return mnt;
}

UniqueFd clone_mount_tree(int dirfd, const std::string& path, bool recursive) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0u);
    if (path.empty()) flags |= AT_EMPTY_PATH;
    UniqueFd tree(::open_tree(dirfd, path.c_str(), flags));
    if (!tree) throw_errno(fmt::format("open_tree \"{}\"", path.empty() ? "<fd>" : path));
    return tree;
}

void set_mount_attrs(int mount_fd, unsigned set, unsigned clear, bool recursive,
                     const std::string& what, unsigned propagation) {
    mount_attr attr{};
    attr.attr_set = set;
    attr.attr_clr = clear;
    attr.propagation = propagation;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0u);
    if (::mount_setattr(mount_fd, "", flags, &attr, sizeof attr) != 0)
        throw_errno(fmt::format("set mount attributes on \"{}\"", what));
}

void attach_mount(int mount_fd, int target_fd, const std::string& what) {
    if (::move_mount(mount_fd, "", target_fd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        throw_errno(fmt::format("mount on \"{}\"", what));
}

}  // namespace stk::runtime
