#include <catch2/catch.hpp>
#include <exception>
#include <memory>
#include <optional>

#include "network/proxy/port_proxy.hpp"
#include "tests/integration/network/dns_proxy_test_support.hpp"

using namespace stk::net;
using namespace stk::net::testing;
using stk::UniqueFd;

namespace {

UniqueFd udp_client() {
    UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    auto any = make_addr(kLoopback, 0);
    stk::check_sys(::bind(fd.get(), reinterpret_cast<sockaddr*>(&any), sizeof any), "bind");
    return fd;
}

std::optional<std::string> udp_exchange(int fd, uint16_t port, const std::string& msg) {
    auto to = make_addr(kLoopback, port);
    stk::check_sys(
        ::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
        "sendto");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) return std::nullopt;
    char buf[65536];
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(r));
}

}  // namespace

TEST_CASE("proxy udp: two clients get their own echoes through their own sessions") {
    AnonymousNetns ns;
    UdpEchoServer server(ns.fd());
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), {"udp", "127.0.0.1", 0, kLoopback, server.port()});
    IoThread runner(io);

    UniqueFd a = udp_client();
    UniqueFd b = udp_client();
    for (int i = 0; i < 3; ++i) {
        CHECK(udp_exchange(a.get(), proxy.bound_port(), "a" + std::to_string(i)) ==
              "echo:a" + std::to_string(i));
        CHECK(udp_exchange(b.get(), proxy.bound_port(), "b" + std::to_string(i)) ==
              "echo:b" + std::to_string(i));
    }
    CHECK(server.peers_seen() == 2);
    // A large datagram makes it through whole.
    std::string big(60000, 'z');
    CHECK(udp_exchange(a.get(), proxy.bound_port(), big) == "echo:" + big);
}

TEST_CASE("proxy udp: an idle session expires and the next datagram opens a new one") {
    AnonymousNetns ns;
    UdpEchoServer server(ns.fd());
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), {"udp", "127.0.0.1", 0, kLoopback, server.port()},
                    std::chrono::milliseconds(100));
    IoThread runner(io);

    UniqueFd a = udp_client();
    CHECK(udp_exchange(a.get(), proxy.bound_port(), "one") == "echo:one");
    CHECK(udp_exchange(a.get(), proxy.bound_port(), "two") == "echo:two");
    CHECK(server.peers_seen() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(udp_exchange(a.get(), proxy.bound_port(), "three") == "echo:three");
    CHECK(server.peers_seen() == 2);
}

TEST_CASE("proxy udp: a port in use is an error naming host_ip:port") {
    AnonymousNetns ns;
    UniqueFd holder = udp_client();
    uint16_t taken = local_port(holder.get());
    boost::asio::io_context io;
    try {
        PortProxy proxy(io, ns.fd(), {"udp", "127.0.0.1", taken, kLoopback, 53});
        FAIL("bound a UDP port in use");
    } catch (const stk::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("udp") &&
                                 Catch::Contains("127.0.0.1:" + std::to_string(taken)) &&
                                 Catch::Contains("in use"));
    }
}

namespace {

// Runs `fn` on a thread that has entered the network namespace `netns_fd`; rethrows its error.
template <typename Fn>
void in_netns(int netns_fd, Fn fn) {
    std::exception_ptr error;
    std::thread worker([&] {
        try {
            stk::check_sys(::setns(netns_fd, CLONE_NEWNET), "setns");
            fn();
        } catch (...) {
            error = std::current_exception();
        }
    });
    worker.join();
    if (error) std::rethrow_exception(error);
}

struct Reply {
    std::string payload;
    uint32_t source = 0;  // host byte order
    uint16_t source_port = 0;
};

// Sends from an unconnected socket (bound to 127.0.0.1) to `address`:`port` and returns the
// reply with the address it came from.
std::optional<Reply> exchange_via(int netns_fd, uint32_t address, uint16_t port,
                                  const std::string& msg) {
    UniqueFd fd = socket_in_netns(netns_fd, AF_INET, SOCK_DGRAM);
    auto local = make_addr(kLoopback, 0);
    stk::check_sys(::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local), "bind");
    auto to = make_addr(address, port);
    stk::check_sys(
        ::sendto(fd.get(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
        "sendto");
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) return std::nullopt;
    char buf[2048];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t r = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (r < 0) return std::nullopt;
    return Reply{std::string(buf, static_cast<std::size_t>(r)), ntohl(from.sin_addr.s_addr),
                 ntohs(from.sin_port)};
}

}  // namespace

TEST_CASE("proxy udp: on 0.0.0.0 each reply comes from the address the client sent to") {
    // The "host" is a private namespace too, so the wildcard listener is never on a real
    // interface; its loopback answers on all of 127.0.0.0/8.
    AnonymousNetns host;
    AnonymousNetns container;
    UdpEchoServer server(container.fd());
    boost::asio::io_context io;
    std::unique_ptr<PortProxy> proxy;
    in_netns(host.fd(), [&] {
        proxy = std::make_unique<PortProxy>(
            io, container.fd(), PortBinding{"udp", "0.0.0.0", 0, kLoopback, server.port()});
    });
    IoThread runner(io);

    for (uint32_t address : {kLoopback, kLoopback + 1, kLoopback + 1, kLoopback}) {
        auto reply = exchange_via(host.fd(), address, proxy->bound_port(), "ping");
        REQUIRE(reply);
        CHECK(reply->payload == "echo:ping");
        CHECK(reply->source == address);
        CHECK(reply->source_port == proxy->bound_port());
    }
}
