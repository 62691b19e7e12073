#pragma once
// Helpers for the topology integration tests: a private run root, unique ids, echo servers in
// forked children that join a namespace, clients from inside a namespace, and a watcher that
// records every interface appearing in the host's namespace while a test runs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "network/netns/net_namespace.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::test {

// Points STACK_RUN_ROOT at a private directory for the test's lifetime.
class TopologyRunRoot {
public:
    TopologyRunRoot() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("stk-topo-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
        ::setenv("STACK_RUN_ROOT", path_.c_str(), 1);
    }
    ~TopologyRunRoot() {
        ::unsetenv("STACK_RUN_ROOT");
        std::error_code ec;
        // Pins still mounted here (a test that failed before its guards ran) are detached first.
        for (auto& e : std::filesystem::recursive_directory_iterator(path_, ec)) {
            ::umount2(e.path().c_str(), MNT_DETACH);
        }
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A network id unique to this process and call: "t<pid hex><n>", at most 10 characters.
inline std::string unique_net_id() {
    static std::atomic<int> counter{0};
    char buf[16];
    std::snprintf(buf, sizeof buf, "t%x%d", static_cast<unsigned>(::getpid()) & 0xffffff,
                  counter++ % 100);
    return buf;
}

inline uint32_t ip(const char* text) {
    in_addr a{};
    ::inet_pton(AF_INET, text, &a);
    return ntohl(a.s_addr);
}

inline sockaddr_in sock_addr(uint32_t address, uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(address);
    sa.sin_port = htons(port);
    return sa;
}

// A forked child, joined to a network namespace, answering on TCP and UDP `port` on every
// address: TCP replies "<tag>:<peer address>" to each connection, UDP echoes "<tag>:<payload>".
// The destructor kills and reaps it.
class EchoServer {
public:
    EchoServer(int netns_fd, uint16_t port, const std::string& tag) {
        int ready[2];
        if (::pipe2(ready, O_CLOEXEC) != 0) throw_errno("pipe2");
        pid_ = ::fork();
        if (pid_ < 0) throw_errno("fork");
        if (pid_ == 0) {
            ::close(ready[0]);
            serve_in_child(netns_fd, port, tag, ready[1]);
        }
        ::close(ready[1]);
        char status = 0;
        ssize_t n = ::read(ready[0], &status, 1);
        ::close(ready[0]);
        if (n != 1 || status != 'y') {
            stop();
            throw Error("echo server \"" + tag + "\" failed to start");
        }
    }
    ~EchoServer() { stop(); }
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

private:
    [[noreturn]] static void serve_in_child(int netns_fd, uint16_t port, const std::string& tag,
                                            int ready_fd) {
        char fail = 'n';
        if (::setns(netns_fd, CLONE_NEWNET) != 0) {
            (void)::write(ready_fd, &fail, 1);
            ::_exit(1);
        }
        int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
        int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
        int one = 1;
        ::setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        auto any = sock_addr(INADDR_ANY, port);
        if (tcp < 0 || udp < 0 || ::bind(tcp, reinterpret_cast<sockaddr*>(&any), sizeof any) ||
            ::listen(tcp, 16) || ::bind(udp, reinterpret_cast<sockaddr*>(&any), sizeof any)) {
            (void)::write(ready_fd, &fail, 1);
            ::_exit(1);
        }
        char ok = 'y';
        (void)::write(ready_fd, &ok, 1);
        ::close(ready_fd);
        pollfd fds[2] = {{tcp, POLLIN, 0}, {udp, POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0) continue;
            if (fds[0].revents & POLLIN) {
                sockaddr_in peer{};
                socklen_t len = sizeof peer;
                int c = ::accept(tcp, reinterpret_cast<sockaddr*>(&peer), &len);
                if (c >= 0) {
                    char addr[INET_ADDRSTRLEN] = {};
                    ::inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof addr);
                    std::string reply = tag + ":" + addr;
                    (void)::write(c, reply.data(), reply.size());
                    ::close(c);
                }
            }
            if (fds[1].revents & POLLIN) {
                char buf[512];
                sockaddr_in peer{};
                socklen_t len = sizeof peer;
                ssize_t n =
                    ::recvfrom(udp, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
                if (n >= 0) {
                    std::string reply = tag + ":" + std::string(buf, static_cast<size_t>(n));
                    ::sendto(udp, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                             len);
                }
            }
        }
    }

    void stop() noexcept {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    pid_t pid_ = -1;
};

// A socket created inside `netns_fd`.
inline UniqueFd socket_inside(int netns_fd, int type) {
    return net::in_netns(netns_fd, [&] {
        UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
        if (!fd) throw_errno("socket");
        return fd;
    });
}

// Connects from inside `netns_fd` to address:port over TCP and returns the server's reply, or
// nullopt when the connection fails or times out.
inline std::optional<std::string> tcp_ask(int netns_fd, uint32_t address, uint16_t port,
                                          int timeout_ms = 1500) {
    auto fd = socket_inside(netns_fd, SOCK_STREAM | SOCK_NONBLOCK);
    auto sa = sock_addr(address, port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 &&
        errno != EINPROGRESS) {
        return std::nullopt;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return std::nullopt;
    std::string reply;
    char buf[256];
    for (;;) {
        pollfd r{fd.get(), POLLIN, 0};
        if (::poll(&r, 1, timeout_ms) != 1) return std::nullopt;
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) return std::nullopt;
        if (n == 0) return reply;
        reply.append(buf, static_cast<size_t>(n));
    }
}

// Sends `payload` over UDP from inside `netns_fd` and returns the reply, or nullopt.
inline std::optional<std::string> udp_ask(int netns_fd, uint32_t address, uint16_t port,
                                          const std::string& payload, int timeout_ms = 1500) {
    auto fd = socket_inside(netns_fd, SOCK_DGRAM);
    auto sa = sock_addr(address, port);
    if (::sendto(fd.get(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&sa),
                 sizeof sa) < 0) {
        return std::nullopt;
    }
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    char buf[512];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
}

// Records the name of every interface announced (RTM_NEWLINK) in the namespace this object was
// made in, from construction to names(). Catches interfaces that exist only for a moment.
class HostLinkWatcher {
public:
    HostLinkWatcher() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
        if (!fd_) throw_errno("netlink socket");
        sockaddr_nl sa{};
        sa.nl_family = AF_NETLINK;
        sa.nl_groups = RTMGRP_LINK;
        check_sys(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), "bind netlink");
        if (::pipe2(stop_, O_CLOEXEC) != 0) throw_errno("pipe2");
        thread_ = std::thread([this] { run(); });
    }
    ~HostLinkWatcher() {
        (void)::write(stop_[1], "x", 1);
        thread_.join();
        ::close(stop_[0]);
        ::close(stop_[1]);
    }
    // Names seen so far (after letting queued notifications arrive).
    std::set<std::string> names() {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::lock_guard lock(mutex_);
        return names_;
    }

private:
    void run() {
        char buf[16384];
        for (;;) {
            pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {stop_[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) continue;
            if (fds[1].revents) return;
            ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
            if (n <= 0) continue;
            auto len = static_cast<unsigned>(n);
            for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len);
                 h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_type != RTM_NEWLINK) continue;
                auto* info = static_cast<ifinfomsg*>(NLMSG_DATA(h));
                int attr_len = static_cast<int>(IFLA_PAYLOAD(h));
                for (auto* a = IFLA_RTA(info); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
                    if (a->rta_type == IFLA_IFNAME) {
                        std::lock_guard lock(mutex_);
                        names_.insert(static_cast<const char*>(RTA_DATA(a)));
                    }
                }
            }
        }
    }

    UniqueFd fd_;
    int stop_[2] = {-1, -1};
    std::thread thread_;
    std::mutex mutex_;
    std::set<std::string> names_;
};

// `ip -br link` in the host namespace, as text.
inline std::string host_ip_link() {
    std::string out;
    FILE* p = ::popen("ip -br link 2>&1", "r");
    if (!p) return out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
    return out;
}

// Whether any line of `ip -br link` names an interface starting with `prefix`.
inline bool host_has_link_prefix(const std::string& prefix) {
    std::string text = host_ip_link();
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (text.compare(pos, prefix.size(), prefix) == 0) return true;
        pos = end + 1;
    }
    return false;
}

}  // namespace stk::test
