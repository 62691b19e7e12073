#pragma once
// Network namespaces pinned by a bind mount, and running code inside one.
#include <filesystem>
#include <string>
#include <type_traits>
#include <utility>

#include "runtime/sys/unique_fd.hpp"

namespace stk::net {

// A network namespace pinned by a bind mount at <run_root>/netns/<name>, so it survives the
// process that made it and a later `down` can find it. RAII: destroy() unmounts and unlinks the
// pin; the destructor does it unless release()d (then it stays for a later process to open()).
class NetNamespace {
public:
    // Creates a fresh namespace (on a short-lived thread: the caller never changes namespace).
    static NetNamespace create(const std::string& name);
    // Opens an existing pinned namespace; the returned object does not destroy it on exit.
    static NetNamespace open(const std::string& name);
    static bool exists(const std::string& name);
    static std::filesystem::path path_for(const std::string& name);

    NetNamespace(NetNamespace&& other) noexcept;
    NetNamespace& operator=(NetNamespace&& other) noexcept;
    NetNamespace(const NetNamespace&) = delete;
    NetNamespace& operator=(const NetNamespace&) = delete;
    ~NetNamespace();

    int fd() const noexcept { return fd_.get(); }
    const std::string& name() const noexcept { return name_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    // Keeps the pin when this object goes away.
    void release() noexcept { owned_ = false; }
    // Closes the fd, unmounts and unlinks the pin; the kernel frees the namespace (and its
    // interfaces) once nothing else holds it.
    void destroy() noexcept;

private:
    NetNamespace(std::string name, std::filesystem::path path, UniqueFd fd, bool owned);
    std::string name_;
    std::filesystem::path path_;
    UniqueFd fd_;
    bool owned_ = false;
};

// Joins netns_fd with the calling thread; the destructor returns to the original namespace
// (and aborts the process if it cannot: a thread stranded in the wrong namespace is unsafe).
class NetnsGuard {
public:
    explicit NetnsGuard(int netns_fd);
    NetnsGuard(const NetnsGuard&) = delete;
    NetnsGuard& operator=(const NetnsGuard&) = delete;
    ~NetnsGuard();

private:
    UniqueFd original_;
};

// Runs fn with the calling thread inside the namespace, then returns to the original one.
template <class Fn>
auto in_netns(int netns_fd, Fn&& fn) -> std::invoke_result_t<Fn> {
    NetnsGuard guard(netns_fd);
    return std::forward<Fn>(fn)();
}

// The inode number of a namespace fd: unique among live namespaces.
unsigned long netns_inode(int netns_fd);

}  // namespace stk::net
