#include "image/unpack/beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include "image/unpack/entry_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {

UniqueFd open_dir_beneath(int root_fd, const std::string& path, bool missing_ok) {
    struct open_how how {};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const char* p = path.empty() ? "." : path.c_str();
    long fd;
    do {
        fd = ::syscall(SYS_openat2, root_fd, p, &how, sizeof how);
    } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if ((errno == ENOENT || errno == ENOTDIR) && missing_ok) return UniqueFd();
    if (errno == EXDEV || errno == ELOOP)
        throw Error(fmt::format("\"{}\" goes through a symbolic link that leaves the layer; refused", path));
    throw SysError(fmt::format("open directory \"{}\" in the layer", path), errno);
}

UniqueFd make_dirs_beneath(int root_fd, const std::string& path) {
    if (UniqueFd fd = open_dir_beneath(root_fd, path, true)) return fd;
    auto [parent, name] = split_parent(path);
    UniqueFd parent_fd = parent.empty() ? open_dir_beneath(root_fd, "", false) : make_dirs_beneath(root_fd, parent);
    if (::mkdirat(parent_fd.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        throw SysError(fmt::format("mkdir \"{}\" in the layer", path), errno);
    return open_dir_beneath(root_fd, path, false);
}

}  // namespace stk::image
