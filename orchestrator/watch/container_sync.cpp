#include "orchestrator/watch/container_sync.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::watch {
namespace fs = std::filesystem;

namespace {

std::pair<std::string, std::string> split_parent(const std::string& target) {
    fs::path p = fs::path(target).lexically_normal();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..")
        throw Error(fmt::format("sync target \"{}\" names no file", target));
    std::string parent = p.parent_path().string();
    return {parent.empty() ? "/" : parent, name};
}

// Removes `name` under `dir_fd`, a directory's content first; never follows a symlink.
void remove_entry(int dir_fd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;
        throw_errno(fmt::format("stat \"{}\"", name));
    }
    if (S_ISDIR(st.st_mode)) {
        int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) throw_errno(fmt::format("open directory \"{}\"", name));
        DIR* d = ::fdopendir(fd);
        if (!d) {
            ::close(fd);
            throw_errno(fmt::format("read directory \"{}\"", name));
        }
        std::unique_ptr<DIR, int (*)(DIR*)> guard(d, ::closedir);
        while (dirent* e = ::readdir(d)) {
            std::string child = e->d_name;
            if (child != "." && child != "..") remove_entry(::dirfd(d), child);
        }
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
            throw_errno(fmt::format("remove directory \"{}\"", name));
        return;
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT)
        throw_errno(fmt::format("remove \"{}\"", name));
}

std::string temp_name(const std::string& name) {
    static std::atomic<unsigned> counter{0};
    return fmt::format(".{}.stk-sync-{}-{}", name, ::getpid(), counter++);
}

void copy_file(int parent_fd, const std::string& name, const fs::path& host, mode_t mode) {
    UniqueFd in(::open(host.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw_errno(fmt::format("open \"{}\"", host.string()));
    std::string tmp = temp_name(name);
    UniqueFd out(::openat(parent_fd, tmp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777));
    if (!out) throw_errno(fmt::format("create \"{}\"", tmp));
    auto drop_tmp = [&] { ::unlinkat(parent_fd, tmp.c_str(), 0); };
    try {
        for (;;) {
            ssize_t n = ::sendfile(out.get(), in.get(), nullptr, 1 << 20);
            if (n < 0) throw_errno(fmt::format("copy \"{}\"", host.string()));
            if (n == 0) break;
        }
        if (::fchmod(out.get(), mode & 07777) != 0) throw_errno("chmod");
        out.reset();
        if (::renameat(parent_fd, tmp.c_str(), parent_fd, name.c_str()) != 0) {
            // A directory where the file goes: replace it as compose's copy would.
            if (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST)
                throw_errno(fmt::format("rename over \"{}\"", name));
            remove_entry(parent_fd, name);
            if (::renameat(parent_fd, tmp.c_str(), parent_fd, name.c_str()) != 0)
                throw_errno(fmt::format("rename over \"{}\"", name));
        }
    } catch (...) {
        drop_tmp();
        throw;
    }
}

void sync_one(int root_fd, const fs::path& host, const std::string& target) {
    auto [parent, name] = split_parent(target);
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) {
        if (errno != ENOENT) throw_errno(fmt::format("stat \"{}\"", host.string()));
        UniqueFd parent_fd;
        try {
            parent_fd = runtime::open_in_root(root_fd, parent, O_PATH | O_DIRECTORY);
        } catch (const SysError& e) {
            int err = e.code().value();
            if (err == ENOENT || err == ENOTDIR) return;  // its directory is gone too
            throw;
        }
        remove_entry(parent_fd.get(), name);
        return;
    }
    UniqueFd parent_fd = runtime::mkdir_all_in_root(root_fd, parent);
    if (S_ISREG(st.st_mode)) return copy_file(parent_fd.get(), name, host, st.st_mode);
    if (S_ISLNK(st.st_mode)) {
        std::error_code ec;
        fs::path link = fs::read_symlink(host, ec);
        if (ec) throw Error(fmt::format("read link \"{}\": {}", host.string(), ec.message()));
        remove_entry(parent_fd.get(), name);
        if (::symlinkat(link.c_str(), parent_fd.get(), name.c_str()) != 0)
            throw_errno(fmt::format("symlink \"{}\"", name));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        struct stat cur {};
        if (::fstatat(parent_fd.get(), name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0 &&
            !S_ISDIR(cur.st_mode))
            remove_entry(parent_fd.get(), name);
        runtime::mkdir_all_in_root(root_fd, target, st.st_mode & 07777);
        return;
    }
    // Sockets, fifos and devices are not content: compose skips them too.
}

}  // namespace

UniqueFd open_container_root(pid_t pid) {
    std::string path = fmt::format("/proc/{}/root", pid);
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno(fmt::format("open the root of process {} ({})", pid, path));
    return fd;
}

void sync_path(int root_fd, const fs::path& host, const std::string& target) {
    with_context(fmt::format("sync \"{}\" to \"{}\"", host.string(), target),
                 [&] { sync_one(root_fd, host, target); });
}

}  // namespace stk::watch
