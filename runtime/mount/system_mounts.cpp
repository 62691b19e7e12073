#include "runtime/mount/system_mounts.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>

#include "runtime/mount/mount_api.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

struct DeviceNode {
    const char* name;
    unsigned major, minor;
};

constexpr DeviceNode kDevices[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                                   {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};

constexpr const char* kLinks[][2] = {{"ptmx", "pts/ptmx"},
                                     {"fd", "/proc/self/fd"},
                                     {"stdin", "/proc/self/fd/0"},
                                     {"stdout", "/proc/self/fd/1"},
                                     {"stderr", "/proc/self/fd/2"}};

// mknod where allowed; inside a user namespace mknod is refused, so bind the host's node.
void make_device(int dev_fd, const DeviceNode& d) {
    dev_t rdev = makedev(d.major, d.minor);
    if (::mknodat(dev_fd, d.name, S_IFCHR | 0666, rdev) == 0) {
        if (::fchmodat(dev_fd, d.name, 0666, 0) != 0)  // umask trimmed the mode
            throw_errno(fmt::format("chmod /dev/{}", d.name));
        return;
    }
    if (errno != EPERM) throw_errno(fmt::format("mknod /dev/{}", d.name));
    UniqueFd file(
        ::openat(dev_fd, d.name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (!file) throw_errno(fmt::format("create /dev/{}", d.name));
    std::string host = fmt::format("/dev/{}", d.name);
    UniqueFd src = clone_mount_tree(AT_FDCWD, host, false);
    struct stat st {};
    if (::fstat(src.get(), &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != rdev)
        throw Error(fmt::format("host \"{}\" is not the device {}:{}", host, d.major, d.minor));
    UniqueFd target(::openat(dev_fd, d.name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!target) throw_errno(fmt::format("open /dev/{}", d.name));
    attach_mount(src.get(), target.get(), "/dev/" + std::string(d.name));
}

// devpts refuses gid=5 when a user namespace does not map it (a one-id map, say): leave the
// option out then, as runc does for rootless containers.
bool gid_mapped(gid_t gid) {
    std::ifstream in("/proc/self/gid_map");
    uint64_t inside = 0, outside = 0, count = 0;
    while (in >> inside >> outside >> count)
        if (gid >= inside && gid < inside + count) return true;
    return false;
}

void mount_at(int root_fd, const char* path, UniqueFd mnt) {
    UniqueFd target = mkdir_all_in_root(root_fd, path);
    attach_mount(mnt.get(), target.get(), path);
}

}  // namespace

void mount_proc_in_child(int root_fd) {
    with_context("mount /proc", [&] {
        UniqueFd mnt = new_fs_mount("proc", "proc", {},
                                    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
        // A fake /proc in the image must never receive what we meant for the kernel
        // (CVE-2019-16884): check what we are about to mount, and what we then resolve to.
        struct statfs sfs {};
        if (::fstatfs(mnt.get(), &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC)
            throw Error("the new mount is not procfs");
        mount_at(root_fd, "/proc", std::move(mnt));
        UniqueFd check = open_in_root(root_fd, "/proc", O_PATH | O_DIRECTORY);
        if (::fstatfs(check.get(), &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC)
            throw Error("/proc does not resolve to the new procfs");
    });
}

void mount_dev_in_child(int root_fd, uint64_t shm_size) {
    with_context("mount /dev", [&] {
        mount_at(root_fd, "/dev",
                 new_fs_mount("tmpfs", "tmpfs", {{"mode", "755"}, {"size", "65536k"}},
                              MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME));
        UniqueFd dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
        struct statfs sfs {};
        if (::fstatfs(dev.get(), &sfs) != 0 || sfs.f_type != TMPFS_MAGIC)
            throw Error("/dev does not resolve to the new tmpfs");
        for (const auto& d : kDevices) make_device(dev.get(), d);
        for (const auto& link : kLinks)
            if (::symlinkat(link[1], dev.get(), link[0]) != 0)
                throw_errno(fmt::format("symlink /dev/{} -> {}", link[0], link[1]));
        for (const char* sub : {"pts", "shm", "mqueue"})
            if (::mkdirat(dev.get(), sub, 0755) != 0)
                throw_errno(fmt::format("mkdir /dev/{}", sub));
        FsOptions pts = {{"newinstance", ""}, {"ptmxmode", "0666"}, {"mode", "0620"}};
        if (gid_mapped(5)) pts.emplace_back("gid", "5");
        mount_at(root_fd, "/dev/pts",
                 new_fs_mount("devpts", "devpts", pts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
        mount_at(
            root_fd, "/dev/shm",
            new_fs_mount("tmpfs", "shm", {{"mode", "1777"}, {"size", std::to_string(shm_size)}},
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV));
        mount_at(root_fd, "/dev/mqueue",
                 new_fs_mount("mqueue", "mqueue", {},
                              MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV));
    });
}

void mount_sys_in_child(int root_fd, bool privileged) {
    with_context("mount /sys", [&] {
        unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV;
        if (!privileged) attrs |= MOUNT_ATTR_RDONLY;
        mount_at(root_fd, "/sys", new_fs_mount("sysfs", "sysfs", {}, attrs));
    });
}

}  // namespace stk::runtime
