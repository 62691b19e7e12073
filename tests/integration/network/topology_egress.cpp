#include <catch2/catch.hpp>
#include <memory>

#include "network/bridge/bridge_network.hpp"
#include "network/bridge/egress.hpp"
#include "network/ipam/subnet_pool.hpp"
#include "network/netlink/link_ops.hpp"
#include "runtime/sys/file_util.hpp"
#include "tests/integration/network/topology_support.hpp"

using namespace stk::net;
using namespace stk::test;

namespace {

constexpr uint16_t kPort = 7778;

bool has_link(int netns_fd, const std::string& name) {
    auto sock = NlSocket::open_in(netns_fd);
    return link_index(sock, name).has_value();
}

std::vector<std::string> starting_with(const std::set<std::string>& names,
                                       const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& n : names) {
        if (n.rfind(prefix, 0) == 0) out.push_back(n);
    }
    return out;
}

}  // namespace

TEST_CASE("topology: egress reaches a fake outside namespace through masquerading",
          "[topology][egress]") {
    const auto host_forward_before = stk::read_file("/proc/sys/net/ipv4/ip_forward");
    TopologyRunRoot root;
    HostLinkWatcher host_watcher;
    auto id = unique_net_id();
    auto closed_id = unique_net_id();
    // The "outside" stands in for the host's namespace; nothing here touches the real one.
    auto outside = NetNamespace::create("stk" + id + "out");
    auto outside_watcher =
        in_netns(outside.fd(), [] { return std::make_unique<HostLinkWatcher>(); });

    SubnetPool pool(root.path() / "ipam", PoolConfig{}, {});
    auto subnet = pool.allocate("t/" + id);
    auto closed_subnet = pool.allocate("t/" + closed_id);
    auto net = BridgeNetwork::create(id, subnet, EgressOptions{outside.fd()});
    auto closed = BridgeNetwork::create(closed_id, closed_subnet, std::nullopt);
    CHECK(net.egress());
    CHECK_FALSE(closed.egress());
    auto c1 = NetNamespace::create("stk" + id + "c1");
    auto c2 = NetNamespace::create("stk" + closed_id + "c2");
    const uint32_t a1 = subnet.first_host();
    net.attach(c1.fd(), "eth0", a1, true).commit();
    closed.attach(c2.fd(), "eth0", closed_subnet.first_host(), true).commit();

    auto outside_sock = NlSocket::open_in(outside.fd());
    auto outer = link_addresses(outside_sock, egress_outside_name(id));
    REQUIRE(outer.size() == 1);
    const uint32_t outside_addr = outer[0].first;
    const uint32_t inside_addr = outside_addr + 1;
    CHECK(outer[0].second == 30);
    CHECK(Subnet::parse("169.254.0.0/16").contains(outside_addr));

    EchoServer server(outside.fd(), kPort, "out");
    // The outside sees the transfer address, not the container's: masqueraded.
    CHECK(tcp_ask(c1.fd(), outside_addr, kPort) == "out:" + ipv4_to_string(inside_addr));
    CHECK(udp_ask(c1.fd(), outside_addr, kPort, "u") == "out:u");
    // A network without egress has no way out.
    CHECK_FALSE(tcp_ask(c2.fd(), outside_addr, kPort, 500).has_value());

    auto reopened = BridgeNetwork::open(id);
    CHECK(reopened.egress());
    CHECK(reopened.subnet() == subnet);

    CHECK(starting_with(outside_watcher->names(), "stk" + id) ==
          std::vector<std::string>{egress_outside_name(id)});
    net.destroy();
    // The outside end goes at once, not with the namespace's deferred cleanup.
    CHECK_FALSE(has_link(outside.fd(), egress_outside_name(id)));
    CHECK(starting_with(host_watcher.names(), "stk" + id).empty());
    CHECK(starting_with(host_watcher.names(), "stk" + closed_id).empty());
    CHECK(stk::read_file("/proc/sys/net/ipv4/ip_forward") == host_forward_before);
}

TEST_CASE("topology: egress transfer subnets avoid taken ranges and cloud metadata",
          "[topology][egress]") {
    auto a = egress_transfer_subnet("abc", {});
    CHECK(a.prefix == 30);
    CHECK(Subnet::parse("169.254.0.0/16").contains(a));
    CHECK(egress_transfer_subnet("abc", {}) == a);
    auto b = egress_transfer_subnet("abc", {a});
    CHECK_FALSE(b.overlaps(a));
    auto whole_range =
        std::vector<Subnet>{Subnet::parse("169.254.0.0/17"), Subnet::parse("169.254.128.0/18"),
                            Subnet::parse("169.254.192.0/18")};
    CHECK_THROWS_AS(egress_transfer_subnet("abc", whole_range), stk::Error);
    for (const char* id : {"a", "b", "c", "zz9", "t1234"}) {
        CHECK_FALSE(Subnet::parse("169.254.169.0/24").overlaps(egress_transfer_subnet(id, {})));
    }
}
