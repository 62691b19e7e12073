#include "runtime/mount/cgroup_mount.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/mount/mount_api.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

struct Hierarchy {
    std::string name;    // directory under /sys/fs/cgroup: "memory", "systemd", "unified"
    std::string fstype;  // "cgroup" or "cgroup2"
    FsOptions options;   // controllers as flags, name=...
};

FsOptions v1_options(const std::string& super_options) {
    FsOptions out;
    std::istringstream in(super_options);
    std::string opt;
    while (std::getline(in, opt, ',')) {
        if (opt == "rw" || opt == "ro") continue;
        if (opt.rfind("name=", 0) == 0) {
            out.emplace_back("name", opt.substr(5));
        } else if (opt.find('=') == std::string::npos && opt != "xattr" && opt != "noprefix" &&
                   opt != "clone_children" && opt != "cpuset_v2_mode" && opt != "favordynmods") {
            out.emplace_back(opt, "");  // a controller
        }
    }
    return out;
}

// The cgroup hierarchies mounted directly under the host's /sys/fs/cgroup (read before
// pivot_root, when /proc/self/mountinfo still lists the host's tree).
std::vector<Hierarchy> host_hierarchies() {
    std::vector<Hierarchy> out;
    std::ifstream in("/proc/self/mountinfo");
    if (!in) throw Error("read /proc/self/mountinfo: cannot open");
    std::string line;
    const std::string prefix = std::string(kCgroupRoot) + "/";
    while (std::getline(in, line)) {
        auto sep = line.find(" - ");
        if (sep == std::string::npos) continue;
        std::istringstream head(line.substr(0, sep)), tail(line.substr(sep + 3));
        std::string id, parent, devno, root, point, fstype, source, super_options;
        head >> id >> parent >> devno >> root >> point;
        tail >> fstype >> source >> super_options;
        if (point.rfind(prefix, 0) != 0) continue;
        std::string name = point.substr(prefix.size());
        if (name.empty() || name.find('/') != std::string::npos) continue;
        if (fstype == "cgroup2")
            out.push_back({name, fstype, {}});
        else if (fstype == "cgroup")
            out.push_back({name, fstype, v1_options(super_options)});
    }
    return out;
}

}  // namespace

void mount_cgroup_in_child(int root_fd, bool privileged, bool user_namespace) {
    with_context("mount /sys/fs/cgroup", [&] {
        const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV |
                               (privileged ? 0u : MOUNT_ATTR_RDONLY);
        struct statfs host {};
        if (::statfs(kCgroupRoot, &host) != 0) throw_errno("statfs the host's /sys/fs/cgroup");
        UniqueFd target = mkdir_all_in_root(root_fd, kCgroupRoot);
        if (host.f_type == CGROUP2_SUPER_MAGIC) {
            UniqueFd mnt = new_fs_mount("cgroup2", "cgroup2", {}, attrs);
            attach_mount(mnt.get(), target.get(), kCgroupRoot);
            return;
        }
        auto hierarchies = host_hierarchies();
        UniqueFd tmpfs = new_fs_mount("tmpfs", "tmpfs", {{"mode", "755"}, {"size", "64k"}},
                                      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
        attach_mount(tmpfs.get(), target.get(), kCgroupRoot);
        UniqueFd dir = open_in_root(root_fd, kCgroupRoot, O_PATH | O_DIRECTORY);
        for (const auto& h : hierarchies) {
            if (user_namespace && h.fstype == "cgroup") continue;
            std::string path = std::string(kCgroupRoot) + "/" + h.name;
            with_context(fmt::format("mount {} on \"{}\"", h.fstype, path), [&] {
                if (::mkdirat(dir.get(), h.name.c_str(), 0755) != 0) throw_errno("mkdir");
                UniqueFd sub(::openat(dir.get(), h.name.c_str(),
                                      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (!sub) throw_errno("open");
                UniqueFd mnt = new_fs_mount(h.fstype, h.fstype, h.options, attrs);
                attach_mount(mnt.get(), sub.get(), path);
            });
        }
        if (!privileged) set_mount_attrs(dir.get(), MOUNT_ATTR_RDONLY, 0, false, kCgroupRoot);
    });
}

}  // namespace stk::runtime
