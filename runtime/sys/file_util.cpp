#include "runtime/sys/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk {
namespace {

void write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(what);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode,
                       FileSync sync) {
    std::random_device rd;
    auto tmp = path;
    tmp += fmt::format(".tmp{:x}", rd());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd) throw_errno(fmt::format("create \"{}\"", tmp.string()));
    try {
        write_all(fd.get(), content, fmt::format("write \"{}\"", tmp.string()));
        if (sync == FileSync::Durable && ::fsync(fd.get()) != 0) throw_errno(fmt::format("fsync \"{}\"", tmp.string()));
        fd.reset();
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw_errno(fmt::format("rename \"{}\" to \"{}\"", tmp.string(), path.string()));
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno(fmt::format("open \"{}\"", path.string()));
    }
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(fmt::format("read \"{}\"", path.string()));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    auto content = read_file_if_exists(path);
    if (!content) throw SysError(fmt::format("open \"{}\"", path.string()), ENOENT);
    return *content;
}

void write_knob(const std::filesystem::path& path, std::string_view value) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw_errno(fmt::format("open \"{}\"", path.string()));
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0) throw_errno(fmt::format("write \"{}\" to \"{}\"", value, path.string()));
}

}  // namespace stk
