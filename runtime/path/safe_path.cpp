#include "runtime/path/safe_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

int raw_open_in_root(int root_fd, const std::string& path, int flags, mode_t mode) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0;; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
        // EAGAIN: a concurrent rename raced the lookup; the kernel asks us to retry.
        if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 64) continue;
        return static_cast<int>(fd);
    }
}

std::string relative(std::string_view path) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return path.empty() ? std::string(".") : std::string(path);
}

std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        auto part = path.substr(i, j - i);
        if (!part.empty() && part != ".") out.emplace_back(part);
        i = j + 1;
    }
    return out;
}

}  // namespace

UniqueFd open_in_root(int root_fd, std::string_view path, int flags, mode_t mode) {
    std::string rel = relative(path);
    UniqueFd fd(raw_open_in_root(root_fd, rel, flags, mode));
    if (!fd) throw_errno(fmt::format("open \"{}\" inside the root", path));
    return fd;
}

UniqueFd mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode) {
    UniqueFd cur(raw_open_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0));
    if (!cur) throw_errno("open the root directory");
    std::string prefix;
    for (const auto& comp : components(path)) {
        prefix += "/" + comp;
        UniqueFd next(raw_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0));
        if (!next && errno == ENOENT) {
            // mkdirat on one name relative to the resolved parent: never follows a symlink, so
            // a dangling link (to a host path or not) fails with EEXIST instead of being created.
            if (::mkdirat(cur.get(), comp.c_str(), mode) != 0 && errno != EEXIST)
                throw_errno(fmt::format("mkdir \"{}\" inside the root", prefix));
            next.reset(raw_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0));
        }
        if (!next) throw_errno(fmt::format("open directory \"{}\" inside the root", prefix));
        cur = std::move(next);
    }
    return cur;
}

UniqueFd ensure_file_in_root(int root_fd, std::string_view path, mode_t mode) {
    std::string rel = relative(path);
    UniqueFd fd(raw_open_in_root(root_fd, rel, O_PATH, 0));
    if (fd) return fd;
    if (errno != ENOENT) throw_errno(fmt::format("open \"{}\" inside the root", path));
    auto slash = rel.rfind('/');
    if (slash != std::string::npos) mkdir_all_in_root(root_fd, rel.substr(0, slash));
    // O_CREAT through openat2 keeps RESOLVE_IN_ROOT: a dangling symlink is created inside.
    UniqueFd created(raw_open_in_root(root_fd, rel, O_CREAT | O_WRONLY | O_NOCTTY, mode));
    if (!created) throw_errno(fmt::format("create \"{}\" inside the root", path));
    fd.reset(raw_open_in_root(root_fd, rel, O_PATH, 0));
    if (!fd) throw_errno(fmt::format("open \"{}\" inside the root", path));
    return fd;
}

std::string fd_path(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

}  // namespace stk::runtime
