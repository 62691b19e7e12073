#pragma once
// Test helpers shared by the DNS and proxy integration tests and bench_proxy: an anonymous
// network namespace held only by an fd (nothing is mounted or named, so nothing can leak when
// a test dies), and small blocking servers running inside it on their own threads.
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstring>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "network/netns_socket.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::net::testing {

// A fresh network namespace with `lo` up, alive as long as this object (and any socket in it).
class AnonymousNetns {
public:
    AnonymousNetns() {
        int err = 0;
        std::string step;
        std::thread worker([&] {
            if (::unshare(CLONE_NEWNET) != 0) {
                err = errno, step = "unshare(CLONE_NEWNET)";
                return;
            }
            int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                err = errno, step = "open /proc/thread-self/ns/net";
                return;
            }
            fd_.reset(fd);
            UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
            ifreq ifr{};
            std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
            if (!s || ::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) {
                err = errno, step = "SIOCGIFFLAGS lo";
                return;
            }
            ifr.ifr_flags |= IFF_UP;
            if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) != 0) err = errno, step = "SIOCSIFFLAGS lo";
        });
        worker.join();
        if (err) throw SysError(step, err);
    }
    int fd() const { return fd_.get(); }

private:
    UniqueFd fd_;
};

inline sockaddr_in make_addr(uint32_t address, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(address);
    a.sin_port = htons(port);
    return a;
}

constexpr uint32_t kLoopback = 0x7F000001;

inline void set_timeouts(int fd, int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline uint16_t local_port(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    check_sys(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), "getsockname");
    return ntohs(a.sin_port);
}

// A connected TCP client: in `netns_fd`, or in our own namespace when netns_fd < 0.
inline UniqueFd tcp_connect(int netns_fd, uint32_t address, uint16_t port) {
    UniqueFd fd = netns_fd >= 0 ? socket_in_netns(netns_fd, AF_INET, SOCK_STREAM)
                                : UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    set_timeouts(fd.get(), 20);
    auto a = make_addr(address, port);
    check_sys(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), "connect");
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

inline void write_all(int fd, const void* data, std::size_t n) {
    auto p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        check_sys(w, "send");
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

// Reads until EOF (or error/timeout: then throws).
inline std::string read_to_eof(int fd) {
    std::string out;
    char buf[65536];
    while (true) {
        ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r < 0 && errno == EINTR) continue;
        check_sys(r, "recv");
        if (r == 0) return out;
        out.append(buf, static_cast<std::size_t>(r));
    }
}

// FNV-1a over a byte stream: independent of how the stream was chunked.
struct StreamHash {
    uint64_t value = 1469598103934665603ull;
    void update(const void* data, std::size_t n) {
        auto p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) value = (value ^ p[i]) * 1099511628211ull;
    }
};

// A TCP server on <address>:0 (loopback by default) inside a namespace; each connection runs
// `handler` on its own thread. The destructor stops accepting, shuts connections down and joins
// every thread.
class TcpServer {
public:
    using Handler = std::function<void(int fd)>;
    TcpServer(int netns_fd, Handler handler, uint32_t address = kLoopback)
        : handler_(std::move(handler)) {
        listen_ = socket_in_netns(netns_fd, AF_INET, SOCK_STREAM);
        int one = 1;
        ::setsockopt(listen_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        auto a = make_addr(address, 0);
        check_sys(::bind(listen_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), "bind");
        check_sys(::listen(listen_.get(), 64), "listen");
        port_ = local_port(listen_.get());
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~TcpServer() {
        stop_ = true;
        ::shutdown(listen_.get(), SHUT_RDWR);
        acceptor_.join();
        {
            std::lock_guard lock(mutex_);
            for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
        }
        for (auto& t : workers_) t.join();
    }
    uint16_t port() const { return port_; }

private:
    void accept_loop() {
        while (!stop_) {
            int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                return;
            }
            std::lock_guard lock(mutex_);
            open_.push_back(fd);
            workers_.emplace_back([this, fd] {
                set_timeouts(fd, 30);
                int one = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                try {
                    handler_(fd);
                } catch (...) {
                    // The client sees the connection close; the test asserts on that side.
                }
                std::lock_guard lock(mutex_);
                open_.remove(fd);
                ::close(fd);
            });
        }
    }

    Handler handler_;
    UniqueFd listen_;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::mutex mutex_;
    std::list<int> open_;
    std::vector<std::thread> workers_;
};

// Echoes every byte back; closes after the peer's EOF.
inline void echo_handler(int fd) {
    char buf[65536];
    while (true) {
        ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) return;
        write_all(fd, buf, static_cast<std::size_t>(r));
    }
}

// Reads to EOF, then answers "<bytes> <fnv hash>" and closes: proves half-close works.
inline void digest_handler(int fd) {
    StreamHash hash;
    uint64_t total = 0;
    std::vector<char> buf(1 << 18);
    while (true) {
        ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
        if (r < 0) return;
        if (r == 0) break;
        hash.update(buf.data(), static_cast<std::size_t>(r));
        total += static_cast<uint64_t>(r);
    }
    std::string reply = std::to_string(total) + " " + std::to_string(hash.value);
    write_all(fd, reply.data(), reply.size());
}

// Discards everything until EOF (bulk throughput sink).
inline void sink_handler(int fd) {
    std::vector<char> buf(1 << 18);
    while (::recv(fd, buf.data(), buf.size(), 0) > 0) {
    }
}

// A UDP echo server on <address>:0 (loopback by default) inside a namespace: answers
// "echo:<payload>".
class UdpEchoServer {
public:
    explicit UdpEchoServer(int netns_fd, uint32_t address = kLoopback) {
        fd_ = socket_in_netns(netns_fd, AF_INET, SOCK_DGRAM);
        auto a = make_addr(address, 0);
        check_sys(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), "bind");
        port_ = local_port(fd_.get());
        thread_ = std::thread([this] { loop(); });
    }
    ~UdpEchoServer() {
        stop_ = true;
        thread_.join();
    }
    uint16_t port() const { return port_; }
    // Distinct source ports seen: one per proxy session.
    std::size_t peers_seen() {
        std::lock_guard lock(mutex_);
        return peers_.size();
    }

private:
    void loop() {
        char buf[65536];
        while (!stop_) {
            pollfd p{fd_.get(), POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            sockaddr_in from{};
            socklen_t len = sizeof from;
            ssize_t r =
                ::recvfrom(fd_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (r < 0) continue;
            {
                std::lock_guard lock(mutex_);
                bool known = false;
                for (auto port : peers_) known |= port == from.sin_port;
                if (!known) peers_.push_back(from.sin_port);
            }
            std::string reply = "echo:" + std::string(buf, static_cast<std::size_t>(r));
            ::sendto(fd_.get(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                     len);
        }
    }

    UniqueFd fd_;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<uint16_t> peers_;
};

// Runs an io_context on a thread; declare it after the objects that use the io_context so it
// stops (and joins) before they are destroyed on the test's thread.
class IoThread {
public:
    explicit IoThread(boost::asio::io_context& io)
        : io_(io), guard_(io.get_executor()), thread_([this] { io_.run(); }) {}
    ~IoThread() {
        io_.stop();
        thread_.join();
    }

private:
    boost::asio::io_context& io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace stk::net::testing
