#include "image/store/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {

UniqueFd lock_file(const std::filesystem::path& path, LockMode mode) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw_errno(fmt::format("open lock file \"{}\"", path.string()));
    int op = mode == LockMode::Shared ? LOCK_SH : LOCK_EX;
    while (::flock(fd.get(), op) != 0) {
        if (errno != EINTR) throw_errno(fmt::format("flock \"{}\"", path.string()));
    }
    return fd;
}

}  // namespace stk::image
