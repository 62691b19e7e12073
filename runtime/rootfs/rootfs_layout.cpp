#include "runtime/rootfs/rootfs_layout.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {
namespace {

namespace fs = std::filesystem;

void check_name(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
        throw Error(fmt::format("invalid container name \"{}\"", name));
}

void make_dir(const fs::path& p, mode_t mode) {
    if (::mkdir(p.c_str(), mode) != 0 && errno != EEXIST)
        throw_errno(fmt::format("mkdir \"{}\"", p.string()));
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) throw_errno(fmt::format("stat \"{}\"", p.string()));
    if (!S_ISDIR(st.st_mode)) throw Error(fmt::format("\"{}\" is not a directory", p.string()));
}

void require_dir(const fs::path& p, const char* role) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) throw_errno(fmt::format("{} \"{}\"", role, p.string()));
    if (!S_ISDIR(st.st_mode))
        throw Error(fmt::format("{} \"{}\" is not a directory", role, p.string()));
}

// Mount points at or below `dir` in this mount namespace, deepest first.
std::vector<std::string> mounts_below(const std::string& dir) {
    std::vector<std::string> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, point;
        fields >> id >> parent >> devno >> root >> point;
        std::string decoded;  // mountinfo octal-escapes space, tab, newline and backslash
        for (size_t i = 0; i < point.size(); ++i) {
            if (point[i] == '\\' && i + 3 < point.size()) {
                decoded += static_cast<char>(std::stoi(point.substr(i + 1, 3), nullptr, 8));
                i += 3;
            } else {
                decoded += point[i];
            }
        }
        if (decoded == dir || decoded.rfind(dir + "/", 0) == 0) out.push_back(decoded);
    }
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return out;
}

// Removes the contents of dirfd without crossing into another filesystem (a mount we failed
// to detach must never make us delete files of whatever is mounted there).
// `keep`: names in this directory (not below) left in place.
void remove_tree_at(int dirfd, dev_t dev, const std::string& shown,
                    const std::vector<std::string>& keep = {}) {
    UniqueFd dup(::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dup) throw_errno(fmt::format("open \"{}\"", shown));
    DIR* d = ::fdopendir(dup.release());
    if (!d) throw_errno(fmt::format("opendir \"{}\"", shown));
    std::vector<std::pair<std::string, bool>> entries;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == ".." || std::find(keep.begin(), keep.end(), n) != keep.end())
            continue;
        struct stat st {};
        if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode) && st.st_dev != dev) {
            ::closedir(d);
            throw Error(fmt::format("\"{}/{}\" is on another filesystem (a mount?)", shown, n));
        }
        entries.emplace_back(n, S_ISDIR(st.st_mode));
    }
    ::closedir(d);
    for (const auto& [n, is_dir] : entries) {
        if (is_dir) {
            UniqueFd sub(
                ::openat(dirfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub) throw_errno(fmt::format("open \"{}/{}\"", shown, n));
            remove_tree_at(sub.get(), dev, shown + "/" + n);
        }
        if (::unlinkat(dirfd, n.c_str(), is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            throw_errno(fmt::format("remove \"{}/{}\"", shown, n));
    }
}

// The host id that container id 0 maps to.
uint32_t host_root(const std::vector<IdMap>& maps, const char* what) {
    for (const auto& m : maps)
        if (m.inside == 0 && m.count > 0) return m.outside;
    throw Error(fmt::format("the user namespace must map container {} 0", what));
}

}  // namespace

RootfsLayout rootfs_layout_for(const std::string& container_name) {
    check_name(container_name);
    RootfsLayout l;
    l.dir = run_root() / "containers" / container_name;
    l.upper = l.dir / "upper";
    l.work = l.dir / "work";
    l.merged = l.dir / "merged";
    return l;
}

RootfsLayout prepare_rootfs_dirs(const ContainerSpec& spec) {
    return with_context(fmt::format("prepare root filesystem of \"{}\"", spec.name), [&] {
        RootfsLayout l = rootfs_layout_for(spec.name);
        switch (spec.rootfs.kind) {
            case RootfsSpec::Kind::Directory:
                require_dir(spec.rootfs.directory, "root directory");
                break;
            case RootfsSpec::Kind::Layers:
                if (spec.rootfs.lower_dirs.empty()) throw Error("no image layers given");
                for (const auto& lower : spec.rootfs.lower_dirs) require_dir(lower, "layer");
                break;
            case RootfsSpec::Kind::HostView:
                break;
        }
        // In a user namespace the container's setup runs as its mapped root, not the host's:
        // it must be able to pass through the directory and own the overlay's upper and work
        // directories (the run root above must be traversable too, as /run/stack is).
        // (Without maps the caller writes its own, as the mount tests do: nothing to chown.)
        std::optional<std::pair<uint32_t, uint32_t>> owner;
        if (spec.user_namespace && !(spec.uid_maps.empty() && spec.gid_maps.empty())) {
            const uint32_t uid = host_root(spec.uid_maps, "uid");
            owner.emplace(uid, host_root(spec.gid_maps, "gid"));
        }
        fs::create_directories(l.dir.parent_path());
        const bool fresh = !fs::exists(l.dir);  // a restart reuses the directories
        make_dir(l.dir, owner ? 0711 : 0700);
        try {
            make_dir(l.upper, 0755);
            make_dir(l.work, 0700);
            make_dir(l.merged, 0755);
            for (const auto& d : {l.upper, l.work, l.merged}) {
                if (owner && ::lchown(d.c_str(), owner->first, owner->second) != 0)
                    throw_errno(fmt::format("chown \"{}\" to {}:{}", d.string(), owner->first,
                                            owner->second));
            }
        } catch (...) {
            if (fresh) remove_rootfs_dirs(spec.name);
            throw;
        }
        return l;
    });
}

void remove_rootfs_dirs(const std::string& container_name, bool keep_writable_layer) noexcept {
    try {
        RootfsLayout l = rootfs_layout_for(container_name);
        for (const auto& point : mounts_below(l.dir.string())) {
            if (::umount2(point.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
                spdlog::warn("remove \"{}\": detach mount \"{}\": {}", container_name, point,
                             std::strerror(errno));
        }
        UniqueFd dir(::open(l.dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) {
            if (errno != ENOENT)
                spdlog::warn("remove \"{}\": open \"{}\": {}", container_name, l.dir.string(),
                             std::strerror(errno));
            return;
        }
        struct stat st {};
        if (::fstat(dir.get(), &st) != 0) throw_errno("stat " + l.dir.string());
        if (keep_writable_layer) {
            remove_tree_at(dir.get(), st.st_dev, l.dir.string(),
                           {l.upper.filename().string(), l.work.filename().string()});
            return;
        }
        remove_tree_at(dir.get(), st.st_dev, l.dir.string());
        dir.reset();
        if (::rmdir(l.dir.c_str()) != 0 && errno != ENOENT)
            throw_errno(fmt::format("rmdir \"{}\"", l.dir.string()));
    } catch (const std::exception& e) {
        spdlog::warn("remove root filesystem dirs of \"{}\": {}", container_name, e.what());
    }
}

}  // namespace stk::runtime
