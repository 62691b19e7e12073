// The services on a real stack network (N-topology's BridgeNetwork): DNS on the gateway address
// inside the bridge netns, containers resolving each other by name, and published ports that
// reach a container's address through the bridge.
#include <catch2/catch.hpp>
#include <optional>

#include "network/bridge/bridge_network.hpp"
#include "network/dns/dns_message.hpp"
#include "network/dns/dns_server.hpp"
#include "network/etc_files/etc_files.hpp"
#include "network/ipam/host_routes.hpp"
#include "network/ipam/subnet_pool.hpp"
#include "network/proxy/port_proxy.hpp"
#include "tests/integration/network/dns_proxy_test_support.hpp"
#include "tests/integration/network/topology_support.hpp"

using namespace stk::net;
using namespace stk::net::testing;
using stk::UniqueFd;
namespace dns = stk::net::dns;

namespace {

// Resolves `name` over UDP from inside `netns_fd` against server:53; nullopt for no A record.
std::optional<uint32_t> resolve_from(int netns_fd, uint32_t server, const std::string& name) {
    dns::Message m;
    m.id = 4242;
    m.recursion_desired = true;
    m.questions.push_back({name, dns::kTypeA, dns::kClassIn});
    auto query = dns::encode_message(m);
    UniqueFd fd = socket_in_netns(netns_fd, AF_INET, SOCK_DGRAM);
    auto to = make_addr(server, 53);
    stk::check_sys(::sendto(fd.get(), query.data(), query.size(), 0,
                            reinterpret_cast<sockaddr*>(&to), sizeof to),
                   "sendto");
    pollfd p{fd.get(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 3000) == 1);
    uint8_t buf[1500];
    ssize_t r = ::recv(fd.get(), buf, sizeof buf, 0);
    REQUIRE(r > 0);
    auto reply = dns::parse_message(std::span<const uint8_t>(buf, static_cast<std::size_t>(r)));
    REQUIRE(reply);
    for (const auto& rr : reply->answers)
        if (rr.type == dns::kTypeA && rr.rdata.size() == 4)
            return uint32_t(rr.rdata[0]) << 24 | rr.rdata[1] << 16 | rr.rdata[2] << 8 | rr.rdata[3];
    return std::nullopt;
}

}  // namespace

TEST_CASE("proxy bridge: names resolve on the gateway and published ports reach containers") {
    stk::test::TopologyRunRoot root;
    const auto id = stk::test::unique_net_id();
    SubnetPool pool(root.path() / "ipam", PoolConfig{}, read_host_routes());
    const Subnet subnet = pool.allocate("t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto web_ns = NetNamespace::create("stk" + id + "w");
    auto api_ns = NetNamespace::create("stk" + id + "a");
    const uint32_t web_ip = subnet.first_host();
    const uint32_t api_ip = subnet.first_host() + 1;
    auto web_veth = net.attach(web_ns.fd(), "eth0", web_ip, true);
    auto api_veth = net.attach(api_ns.fd(), "eth0", api_ip, true);

    TcpServer web_tcp(web_ns.fd(), echo_handler, web_ip);
    UdpEchoServer web_udp(web_ns.fd(), web_ip);
    boost::asio::io_context io;
    DnsServer names(io, net.netns_fd(), net.gateway(), 53, false);
    names.set_records("demo-web-1", {"web", "demo-web-1", "frontend"}, web_ip);
    names.set_records("demo-api-1", {"api", "demo-api-1"}, api_ip);
    PortProxy tcp_port(io, net.netns_fd(), {"tcp", "127.0.0.1", 0, web_ip, web_tcp.port()});
    PortProxy udp_port(io, net.netns_fd(), {"udp", "127.0.0.1", 0, web_ip, web_udp.port()});
    IoThread runner(io);

    // The resolv.conf a container gets points at the server answering below.
    CHECK(resolv_conf(net.gateway(), {}, {"ndots:0"})
              .find("nameserver " + std::to_string(net.gateway() >> 24)) == 0);

    // "api" finds "web" by service name and alias through the gateway, then talks to it.
    REQUIRE(resolve_from(api_ns.fd(), net.gateway(), "web") == web_ip);
    REQUIRE(resolve_from(api_ns.fd(), net.gateway(), "frontend") == web_ip);
    CHECK(resolve_from(web_ns.fd(), net.gateway(), "api") == api_ip);
    CHECK_FALSE(resolve_from(api_ns.fd(), net.gateway(), "nothing"));
    {
        UniqueFd c = tcp_connect(api_ns.fd(), *resolve_from(api_ns.fd(), net.gateway(), "web"),
                                 web_tcp.port());
        write_all(c.get(), "hi", 2);
        char buf[2];
        REQUIRE(::recv(c.get(), buf, 2, MSG_WAITALL) == 2);
        CHECK(std::string(buf, 2) == "hi");
    }

    // Published TCP and UDP ports answer from the host on 127.0.0.1.
    {
        UniqueFd c = tcp_connect(-1, kLoopback, tcp_port.bound_port());
        std::string msg = "published tcp";
        write_all(c.get(), msg.data(), msg.size());
        REQUIRE(::shutdown(c.get(), SHUT_WR) == 0);
        CHECK(read_to_eof(c.get()) == msg);
    }
    {
        UniqueFd c(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        auto to = make_addr(kLoopback, udp_port.bound_port());
        std::string msg = "published udp";
        REQUIRE(::sendto(c.get(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to),
                         sizeof to) == static_cast<ssize_t>(msg.size()));
        pollfd p{c.get(), POLLIN, 0};
        REQUIRE(::poll(&p, 1, 3000) == 1);
        char buf[64];
        ssize_t r = ::recv(c.get(), buf, sizeof buf, 0);
        CHECK(std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(r, 0))) == "echo:" + msg);
    }

    // A restart with a new address is visible at once.
    names.set_records("demo-web-1", {"web", "demo-web-1", "frontend"}, web_ip + 10);
    CHECK(resolve_from(api_ns.fd(), net.gateway(), "web") == web_ip + 10);
}
