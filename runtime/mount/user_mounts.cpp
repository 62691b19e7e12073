#include "runtime/mount/user_mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "runtime/mount/mount_api.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

const char* kind_name(MountSpec::Kind k) {
    switch (k) {
        case MountSpec::Kind::Bind:
            return "bind";
        case MountSpec::Kind::Volume:
            return "volume";
        case MountSpec::Kind::Tmpfs:
            return "tmpfs";
    }
    return "?";
}

void check_target(const std::string& target) {
    if (target.empty() || target.front() != '/') throw Error("the target must be an absolute path");
    if (target.find_first_not_of('/') == std::string::npos)
        throw Error("cannot mount over the container root");
}

// The host side of a bind or volume: created as a directory when missing and allowed.
bool prepare_source(const MountSpec& m) {
    struct stat st {};
    if (::stat(m.source.c_str(), &st) != 0) {
        if (errno != ENOENT || (m.kind == MountSpec::Kind::Bind && !m.create_source))
            throw_errno(fmt::format("stat \"{}\"", m.source.string()));
        std::filesystem::create_directories(m.source);
        return true;
    }
    return S_ISDIR(st.st_mode);
}

void bind_into_root(int root_fd, const std::filesystem::path& source, bool source_is_dir,
                    const std::string& target, bool read_only) {
    UniqueFd tree = clone_mount_tree(AT_FDCWD, source.string(), true);
    // Docker's default propagation is rprivate; read-only applies to the whole subtree.
    set_mount_attrs(tree.get(), read_only ? MOUNT_ATTR_RDONLY : 0, 0, true, source.string(),
                    MS_PRIVATE);
    UniqueFd dest =
        source_is_dir ? mkdir_all_in_root(root_fd, target) : ensure_file_in_root(root_fd, target);
    attach_mount(tree.get(), dest.get(), target);
}

void mount_tmpfs(int root_fd, const MountSpec& m) {
    FsOptions opts;
    opts.emplace_back("mode", fmt::format("{:o}", m.tmpfs_mode.value_or(01777)));
    if (m.tmpfs_size) opts.emplace_back("size", std::to_string(*m.tmpfs_size));
    unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    if (m.read_only) attrs |= MOUNT_ATTR_RDONLY;
    UniqueFd mnt = new_fs_mount("tmpfs", "tmpfs", opts, attrs);
    UniqueFd dest = mkdir_all_in_root(root_fd, m.target);
    attach_mount(mnt.get(), dest.get(), m.target);
}

}  // namespace

void mount_user_mounts_in_child(int root_fd, const std::vector<MountSpec>& mounts) {
    for (const auto& m : mounts) {
        std::string frame = m.kind == MountSpec::Kind::Tmpfs
                                ? fmt::format("mount tmpfs on \"{}\"", m.target)
                                : fmt::format("mount {} \"{}\" on \"{}\"", kind_name(m.kind),
                                              m.source.string(), m.target);
        with_context(frame, [&] {
            check_target(m.target);
            if (m.kind == MountSpec::Kind::Tmpfs) {
                mount_tmpfs(root_fd, m);
            } else {
                if (m.source.empty() || !m.source.is_absolute())
                    throw Error("the source must be an absolute host path");
                bool is_dir = prepare_source(m);
                bind_into_root(root_fd, m.source, is_dir, m.target, m.read_only);
            }
        });
    }
}

void mount_etc_files_in_child(int root_fd, const ContainerSpec& spec) {
    const std::pair<const std::optional<std::filesystem::path>*, const char*> files[] = {
        {&spec.hosts_file, "/etc/hosts"},
        {&spec.hostname_file, "/etc/hostname"},
        {&spec.resolv_conf_file, "/etc/resolv.conf"}};
    for (const auto& [source, target] : files) {
        if (!*source) continue;
        with_context(fmt::format("bind \"{}\" on \"{}\"", (*source)->string(), target), [&] {
            struct stat st {};
            if (::stat((*source)->c_str(), &st) != 0)
                throw_errno(fmt::format("stat \"{}\"", (*source)->string()));
            if (!S_ISREG(st.st_mode)) throw Error("the source is not a regular file");
            bind_into_root(root_fd, **source, false, target, false);
        });
    }
}

}  // namespace stk::runtime
