#include <catch2/catch.hpp>
#include <random>

#include "network/proxy/port_proxy.hpp"
#include "tests/integration/network/dns_proxy_test_support.hpp"

using namespace stk::net;
using namespace stk::net::testing;
using stk::UniqueFd;

namespace {

PortBinding tcp_binding(uint16_t container_port, uint16_t host_port = 0) {
    return {"tcp", "127.0.0.1", host_port, kLoopback, container_port};
}

}  // namespace

TEST_CASE("proxy tcp: echo through 127.0.0.1:0 to a server inside a netns") {
    AnonymousNetns ns;
    TcpServer server(ns.fd(), echo_handler);
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), tcp_binding(server.port()));
    IoThread runner(io);
    REQUIRE(proxy.bound_port() != 0);

    // Two clients at once, several round trips each.
    UniqueFd a = tcp_connect(-1, kLoopback, proxy.bound_port());
    UniqueFd b = tcp_connect(-1, kLoopback, proxy.bound_port());
    for (int i = 0; i < 5; ++i) {
        for (auto* fd : {&a, &b}) {
            std::string msg = "ping " + std::to_string(i) + (fd == &a ? " a" : " b");
            write_all(fd->get(), msg.data(), msg.size());
            std::string got(msg.size(), '\0');
            REQUIRE(::recv(fd->get(), got.data(), got.size(), MSG_WAITALL) ==
                    static_cast<ssize_t>(msg.size()));
            CHECK(got == msg);
        }
    }
}

TEST_CASE("proxy tcp: half-close, the client still receives the reply after its EOF") {
    AnonymousNetns ns;
    TcpServer server(ns.fd(), digest_handler);
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), tcp_binding(server.port()));
    IoThread runner(io);

    UniqueFd c = tcp_connect(-1, kLoopback, proxy.bound_port());
    std::string msg = "hello through the proxy";
    write_all(c.get(), msg.data(), msg.size());
    REQUIRE(::shutdown(c.get(), SHUT_WR) == 0);
    StreamHash expected;
    expected.update(msg.data(), msg.size());
    CHECK(read_to_eof(c.get()) ==
          std::to_string(msg.size()) + " " + std::to_string(expected.value));
}

TEST_CASE("proxy tcp: 100 MB transfer arrives intact (checked by hash)") {
    AnonymousNetns ns;
    TcpServer server(ns.fd(), digest_handler);
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), tcp_binding(server.port()));
    IoThread runner(io);

    UniqueFd c = tcp_connect(-1, kLoopback, proxy.bound_port());
    constexpr std::size_t kTotal = 100u << 20;
    std::vector<char> chunk(1 << 20);
    std::mt19937_64 rng(2024);
    StreamHash expected;
    for (std::size_t sent = 0; sent < kTotal; sent += chunk.size()) {
        for (auto& ch : chunk) ch = static_cast<char>(rng());
        expected.update(chunk.data(), chunk.size());
        write_all(c.get(), chunk.data(), chunk.size());
    }
    REQUIRE(::shutdown(c.get(), SHUT_WR) == 0);
    CHECK(read_to_eof(c.get()) == std::to_string(kTotal) + " " + std::to_string(expected.value));
}

TEST_CASE("proxy tcp: a port in use is an error naming host_ip:port") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    PortProxy first(io, ns.fd(), tcp_binding(9));
    try {
        PortProxy second(io, ns.fd(), tcp_binding(9, first.bound_port()));
        FAIL("second proxy bound a port in use");
    } catch (const stk::Error& e) {
        std::string text = e.what();
        CHECK_THAT(text, Catch::Contains("127.0.0.1:" + std::to_string(first.bound_port())) &&
                             Catch::Contains("in use"));
        CHECK(e.code() == std::errc::address_in_use);
    }
    // The first proxy is undisturbed: it still accepts.
    UniqueFd c = tcp_connect(-1, kLoopback, first.bound_port());
    CHECK(c.valid());
}

TEST_CASE("proxy tcp: a bad host_ip or protocol is an error") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    CHECK_THROWS_WITH(PortProxy(io, ns.fd(), PortBinding{"tcp", "300.1.1.1", 0, kLoopback, 80}),
                      Catch::Contains("invalid host_ip \"300.1.1.1\""));
    CHECK_THROWS_WITH(PortProxy(io, ns.fd(), PortBinding{"sctp", "127.0.0.1", 0, kLoopback, 80}),
                      Catch::Contains("unsupported protocol \"sctp\""));
}

TEST_CASE("proxy tcp: nothing listening in the container closes the client") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    PortProxy proxy(io, ns.fd(), tcp_binding(1));  // port 1: nothing listens in the fresh netns
    IoThread runner(io);
    UniqueFd c = tcp_connect(-1, kLoopback, proxy.bound_port());
    char byte;
    ssize_t r = ::recv(c.get(), &byte, 1, 0);
    CHECK(r <= 0);  // EOF or reset, not a hang
}

TEST_CASE("proxy tcp: destroying the proxy closes the listener and live sessions") {
    AnonymousNetns ns;
    TcpServer server(ns.fd(), echo_handler);
    boost::asio::io_context io;
    auto proxy = std::make_unique<PortProxy>(io, ns.fd(), tcp_binding(server.port()));
    uint16_t port = proxy->bound_port();
    UniqueFd c;
    {
        IoThread runner(io);
        c = tcp_connect(-1, kLoopback, port);
        write_all(c.get(), "x", 1);
        char byte;
        REQUIRE(::recv(c.get(), &byte, 1, 0) == 1);
    }
    proxy.reset();
    {
        IoThread runner(io);  // lets aborted handlers run and release their sessions
        char byte;
        CHECK(::recv(c.get(), &byte, 1, 0) <= 0);
        UniqueFd probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        auto a = make_addr(kLoopback, port);
        CHECK(::connect(probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0);
    }
}
