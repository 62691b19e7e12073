#include "runtime/mount/masked_paths.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "runtime/mount/mount_api.hpp"
#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

constexpr const char* kMaskedPaths[] = {
    "/proc/asound",     "/proc/acpi",        "/proc/interrupts",
    "/proc/kcore",      "/proc/keys",        "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap"};

constexpr const char* kReadOnlyPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                          "/proc/sysrq-trigger"};

std::optional<UniqueFd> open_if_exists(int root_fd, const std::string& path) {
    try {
        return open_in_root(root_fd, path, O_PATH | O_NOFOLLOW);
    } catch (const Error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) return std::nullopt;
        throw;
    }
}

// docker also masks every /sys/devices/system/cpu/cpu*/thermal_throttle (GHSA-6fw5-f8r9-fgfm).
std::vector<std::string> thermal_throttle_paths(int root_fd) {
    std::vector<std::string> out;
    auto cpus = open_if_exists(root_fd, "/sys/devices/system/cpu");
    if (!cpus) return out;
    UniqueFd dir(::openat(cpus->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return out;
    DIR* d = ::fdopendir(dir.release());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.size() > 3 && n.compare(0, 3, "cpu") == 0 &&
            std::isdigit(static_cast<unsigned char>(n[3])))
            out.push_back("/sys/devices/system/cpu/" + n + "/thermal_throttle");
    }
    ::closedir(d);
    return out;
}

void mask_one(int root_fd, const std::string& path) {
    auto target = open_if_exists(root_fd, path);
    if (!target) return;
    with_context(fmt::format("mask \"{}\"", path), [&] {
        struct stat st {};
        if (::fstat(target->get(), &st) != 0) throw_errno("stat");
        if (S_ISDIR(st.st_mode)) {
            UniqueFd empty = new_fs_mount(
                "tmpfs", "tmpfs", {{"size", "4k"}},
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
            attach_mount(empty.get(), target->get(), path);
            return;
        }
        // Only a verified 1:3 device masks a file (CVE-2025-31133: a swapped /dev/null).
        UniqueFd null = clone_mount_tree(AT_FDCWD, "/dev/null", false);
        struct stat ns {};
        if (::fstat(null.get(), &ns) != 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
            throw Error("host /dev/null is not the null device");
        set_mount_attrs(null.get(), MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0,
                        false, "/dev/null");
        attach_mount(null.get(), target->get(), path);
    });
}

}  // namespace

void mask_paths_in_child(int root_fd) {
    for (const char* p : kMaskedPaths) mask_one(root_fd, p);
    for (const auto& p : thermal_throttle_paths(root_fd)) mask_one(root_fd, p);
}

void make_paths_read_only_in_child(int root_fd) {
    for (const char* path : kReadOnlyPaths) {
        auto target = open_if_exists(root_fd, path);
        if (!target) continue;
        with_context(fmt::format("make \"{}\" read-only", path), [&] {
            UniqueFd tree = clone_mount_tree(target->get(), "", true);
            set_mount_attrs(
                tree.get(),
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0,
                true, path, MS_PRIVATE);
            attach_mount(tree.get(), target->get(), path);
        });
    }
}

}  // namespace stk::runtime
