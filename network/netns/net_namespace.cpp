#include "network/netns/net_namespace.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <thread>

#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/scope_exit.hpp"

namespace stk::net {
namespace {

void check_name(const std::string& name) {
    if (name.empty() || name.size() > 64 || name.find('/') != std::string::npos || name == "." ||
        name == "..") {
        throw Error("invalid network namespace name \"" + name + "\"");
    }
}

UniqueFd open_ns_file(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open \"" + path.string() + "\"");
    return fd;
}

// Unshares a new network namespace on a throwaway thread and bind-mounts it onto `pin`; the
// mount keeps the namespace alive after the thread exits.
void make_pinned_namespace(const std::filesystem::path& pin) {
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            check_sys(::unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)");
            check_sys(::mount("/proc/thread-self/ns/net", pin.c_str(), nullptr, MS_BIND, nullptr),
                      "bind-mount the new namespace on \"" + pin.string() + "\"");
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace

std::filesystem::path NetNamespace::path_for(const std::string& name) {
    return run_root() / "netns" / name;
}

NetNamespace::NetNamespace(std::string name, std::filesystem::path path, UniqueFd fd, bool owned)
    : name_(std::move(name)), path_(std::move(path)), fd_(std::move(fd)), owned_(owned) {}

NetNamespace::NetNamespace(NetNamespace&& other) noexcept
    : name_(std::move(other.name_)),
      path_(std::move(other.path_)),
      fd_(std::move(other.fd_)),
      owned_(std::exchange(other.owned_, false)) {}

NetNamespace& NetNamespace::operator=(NetNamespace&& other) noexcept {
    if (this != &other) {
        if (owned_) destroy();
        name_ = std::move(other.name_);
        path_ = std::move(other.path_);
        fd_ = std::move(other.fd_);
        owned_ = std::exchange(other.owned_, false);
    }
    return *this;
}

NetNamespace::~NetNamespace() {
    if (owned_) destroy();
}

NetNamespace NetNamespace::create(const std::string& name) {
    return with_context("create network namespace \"" + name + "\"", [&] {
        check_name(name);
        auto path = path_for(name);
        std::filesystem::create_directories(path.parent_path());
        UniqueFd pin(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
        if (!pin && errno == EEXIST && !exists(name)) {
            // A pin file left unmounted by a process that died halfway: take its place.
            ::unlink(path.c_str());
            pin.reset(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
        }
        if (!pin) throw_errno("create \"" + path.string() + "\"");
        pin.reset();
        ScopeExit unlink_pin([&] { ::unlink(path.c_str()); });
        make_pinned_namespace(path);
        ScopeExit unmount_pin([&] { ::umount2(path.c_str(), MNT_DETACH); });
        auto fd = open_ns_file(path);
        unmount_pin.dismiss();
        unlink_pin.dismiss();
        return NetNamespace(name, path, std::move(fd), true);
    });
}

NetNamespace NetNamespace::open(const std::string& name) {
    return with_context("open network namespace \"" + name + "\"", [&] {
        check_name(name);
        auto path = path_for(name);
        auto fd = open_ns_file(path);
        // An unmounted pin is a plain empty file: make sure this is really a namespace.
        struct statfs fs {};
        check_sys(::fstatfs(fd.get(), &fs), "statfs \"" + path.string() + "\"");
        if (fs.f_type != NSFS_MAGIC) {
            throw Error("\"" + path.string() + "\" is not a mounted namespace",
                        std::make_error_code(std::errc::no_such_file_or_directory));
        }
        return NetNamespace(name, path, std::move(fd), false);
    });
}

bool NetNamespace::exists(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos) return false;
    struct statfs fs {};
    return ::statfs(path_for(name).c_str(), &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

void NetNamespace::destroy() noexcept {
    fd_.reset();
    owned_ = false;
    if (path_.empty()) return;
    if (::umount2(path_.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        spdlog::warn("unmount network namespace pin \"{}\": {}", path_.string(),
                     std::system_category().message(errno));
    }
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
        spdlog::warn("remove network namespace pin \"{}\": {}", path_.string(),
                     std::system_category().message(errno));
    }
    path_.clear();
}

NetnsGuard::NetnsGuard(int netns_fd) {
    original_.reset(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!original_) throw_errno("open /proc/thread-self/ns/net");
    check_sys(::setns(netns_fd, CLONE_NEWNET),
              "setns into network namespace fd " + std::to_string(netns_fd));
}

NetnsGuard::~NetnsGuard() {
    if (::setns(original_.get(), CLONE_NEWNET) != 0) {
        spdlog::critical("cannot return to the original network namespace: {}",
                         std::system_category().message(errno));
        std::abort();
    }
}

unsigned long netns_inode(int netns_fd) {
    struct stat st {};
    check_sys(::fstat(netns_fd, &st), "fstat network namespace fd " + std::to_string(netns_fd));
    return static_cast<unsigned long>(st.st_ino);
}

}  // namespace stk::net
