#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "network/bridge/bridge_network.hpp"
#include "network/ipam/host_routes.hpp"
#include "network/ipam/subnet_pool.hpp"
#include "network/netlink/link_ops.hpp"
#include "tests/integration/network/topology_support.hpp"

using namespace stk::net;
using namespace stk::test;

namespace {

constexpr uint16_t kPort = 7777;

// A subnet from a private pool state, avoiding the host's routes as production does.
Subnet pick_subnet(const TopologyRunRoot& root, const std::string& key) {
    SubnetPool pool(root.path() / "ipam", PoolConfig{}, read_host_routes());
    return pool.allocate(key);
}

bool mounted(const std::filesystem::path& path) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(" " + path.string() + " ") != std::string::npos) return true;
    }
    return false;
}

std::vector<std::string> links_in(int netns_fd) {
    auto sock = NlSocket::open_in(netns_fd);
    return link_names(sock);
}

bool has_link(int netns_fd, const std::string& name) {
    auto names = links_in(netns_fd);
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Polls for up to two seconds: namespace teardown frees interfaces asynchronously.
template <class Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 200; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

// Every host interface the watcher saw whose name belongs to this test's objects.
std::vector<std::string> leaked(HostLinkWatcher& watcher, const std::vector<std::string>& ours) {
    std::vector<std::string> out;
    for (const auto& name : watcher.names()) {
        for (const auto& prefix : ours) {
            if (name.rfind(prefix, 0) == 0) out.push_back(name);
        }
    }
    return out;
}

std::string ns_marker(int netns_fd) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "stk%08lx", netns_inode(netns_fd) & 0xffffffffUL);
    return buf;
}

}  // namespace

TEST_CASE("topology: two containers on one network reach each other and the gateway",
          "[topology]") {
    TopologyRunRoot root;
    HostLinkWatcher watcher;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto c1 = NetNamespace::create("stk" + id + "c1");
    auto c2 = NetNamespace::create("stk" + id + "c2");
    const uint32_t a1 = subnet.first_host();
    const uint32_t a2 = subnet.first_host() + 1;
    auto v1 = net.attach(c1.fd(), "eth0", a1, true);
    auto v2 = net.attach(c2.fd(), "eth0", a2, true);
    v1.commit();
    v2.commit();

    CHECK(has_link(c1.fd(), "eth0"));
    CHECK(has_link(net.netns_fd(), v1.host_end_name()));
    CHECK(has_link(net.netns_fd(), net.bridge_name()));
    auto sock = NlSocket::open_in(c1.fd());
    auto addrs = link_addresses(sock, "eth0");
    REQUIRE(addrs.size() == 1);
    CHECK(addrs[0].first == a1);
    CHECK(addrs[0].second == subnet.prefix);

    EchoServer server(c2.fd(), kPort, "c2");
    EchoServer gateway_server(net.netns_fd(), kPort, "gw");
    CHECK(tcp_ask(c1.fd(), a2, kPort) == "c2:" + ipv4_to_string(a1));
    CHECK(udp_ask(c1.fd(), a2, kPort, "ping") == "c2:ping");
    CHECK(tcp_ask(c1.fd(), net.gateway(), kPort) == "gw:" + ipv4_to_string(a1));
    CHECK(tcp_ask(c2.fd(), net.gateway(), kPort) == "gw:" + ipv4_to_string(a2));
    // The default route goes through the gateway: an address off the subnet is routed there
    // (and dropped or refused by the bridge namespace, which has no route out).
    CHECK_FALSE(tcp_ask(c1.fd(), ip("192.0.2.1"), kPort, 300).has_value());

    CHECK(leaked(watcher, {"stk" + id, ns_marker(c1.fd()), ns_marker(c2.fd())}).empty());
    CHECK_FALSE(host_has_link_prefix("stk" + id));
    CHECK_FALSE(host_has_link_prefix(ns_marker(c1.fd())));
}

TEST_CASE("topology: two networks are isolated while a namespace on both reaches both",
          "[topology]") {
    TopologyRunRoot root;
    HostLinkWatcher watcher;
    auto ida = unique_net_id();
    auto idb = unique_net_id();
    auto sa = pick_subnet(root, "t/" + ida);
    auto sb = pick_subnet(root, "t/" + idb);
    REQUIRE_FALSE(sa.overlaps(sb));
    auto neta = BridgeNetwork::create(ida, sa, false);
    auto netb = BridgeNetwork::create(idb, sb, false);
    auto ca = NetNamespace::create("stk" + ida + "ca");
    auto cb = NetNamespace::create("stk" + idb + "cb");
    auto both = NetNamespace::create("stk" + ida + "ab");
    const uint32_t addr_a = sa.first_host(), addr_b = sb.first_host();
    const uint32_t both_a = sa.first_host() + 1, both_b = sb.first_host() + 1;
    neta.attach(ca.fd(), "eth0", addr_a, true).commit();
    netb.attach(cb.fd(), "eth0", addr_b, true).commit();
    neta.attach(both.fd(), "eth0", both_a, true).commit();
    netb.attach(both.fd(), "eth1", both_b, false).commit();

    EchoServer server_a(ca.fd(), kPort, "a");
    EchoServer server_b(cb.fd(), kPort, "b");
    EchoServer server_both(both.fd(), kPort, "ab");
    CHECK(tcp_ask(both.fd(), addr_a, kPort) == "a:" + ipv4_to_string(both_a));
    CHECK(tcp_ask(both.fd(), addr_b, kPort) == "b:" + ipv4_to_string(both_b));
    CHECK(udp_ask(both.fd(), addr_b, kPort, "x") == "b:x");
    CHECK(tcp_ask(ca.fd(), both_a, kPort) == "ab:" + ipv4_to_string(addr_a));
    CHECK(tcp_ask(cb.fd(), both_b, kPort) == "ab:" + ipv4_to_string(addr_b));
    CHECK_FALSE(tcp_ask(ca.fd(), addr_b, kPort, 500).has_value());
    CHECK_FALSE(tcp_ask(cb.fd(), addr_a, kPort, 500).has_value());
    CHECK_FALSE(udp_ask(ca.fd(), addr_b, kPort, "x", 500).has_value());
    // The namespace on both networks does not route between them.
    CHECK_FALSE(tcp_ask(ca.fd(), both_b, kPort, 500).has_value());

    CHECK(leaked(watcher, {"stk" + ida, "stk" + idb, ns_marker(ca.fd()), ns_marker(cb.fd()),
                           ns_marker(both.fd())})
              .empty());
}

TEST_CASE("topology: destroy removes the namespace pin, its mount and every interface",
          "[topology]") {
    TopologyRunRoot root;
    HostLinkWatcher watcher;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto c1 = NetNamespace::create("stk" + id + "c1");
    std::filesystem::path pin;
    {
        auto net = BridgeNetwork::create(id, subnet, false);
        pin = NetNamespace::path_for(net.netns_name());
        net.attach(c1.fd(), "eth0", subnet.first_host(), true).commit();
        REQUIRE(BridgeNetwork::exists(id));
        REQUIRE(mounted(pin));
        REQUIRE(has_link(c1.fd(), "eth0"));
        net.destroy();
        CHECK_FALSE(BridgeNetwork::exists(id));
        CHECK_FALSE(std::filesystem::exists(pin));
        CHECK_FALSE(mounted(pin));
    }
    // The container's end goes with the bridge namespace's end.
    CHECK(eventually([&] { return !has_link(c1.fd(), "eth0"); }));
    CHECK_THROWS_AS(BridgeNetwork::open(id), stk::Error);
    CHECK(leaked(watcher, {"stk" + id, ns_marker(c1.fd())}).empty());
    // An owning object that goes out of scope destroys the network too.
    {
        auto net = BridgeNetwork::create(id, subnet, false);
        REQUIRE(BridgeNetwork::exists(id));
    }
    CHECK_FALSE(BridgeNetwork::exists(id));
    CHECK_FALSE(mounted(pin));
}

TEST_CASE("topology: attachments outlive the process that made them and detach later",
          "[topology]") {
    TopologyRunRoot root;
    HostLinkWatcher watcher;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto c1 = NetNamespace::create("stk" + id + "c1");
    auto c2 = NetNamespace::create("stk" + id + "c2");
    const uint32_t a1 = subnet.first_host(), a2 = subnet.first_host() + 1;
    net.attach(c2.fd(), "eth0", a2, true).commit();

    // Another process (think: a helper that exits) opens the network and attaches c1.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int rc = 0;
        try {
            auto opened = BridgeNetwork::open(id);
            opened.attach(c1.fd(), "eth0", a1, true).commit();
        } catch (...) {
            rc = 1;
        }
        ::_exit(rc);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));

    {
        // A "container process" that lives in c1 and exits: the veth stays.
        EchoServer first_life(c1.fd(), kPort, "life1");
        CHECK(tcp_ask(c2.fd(), a1, kPort) == "life1:" + ipv4_to_string(a2));
    }
    EchoServer second_life(c1.fd(), kPort, "life2");
    CHECK(tcp_ask(c2.fd(), a1, kPort) == "life2:" + ipv4_to_string(a2));

    auto opened = BridgeNetwork::open(id);
    CHECK(opened.subnet() == subnet);
    CHECK_FALSE(opened.egress());
    auto host_end = BridgeNetwork::host_end_name_for(c1.fd(), "eth0");
    CHECK(host_end.size() <= 15);
    REQUIRE(has_link(net.netns_fd(), host_end));
    opened.detach(host_end);
    CHECK_FALSE(has_link(net.netns_fd(), host_end));
    CHECK_FALSE(has_link(c1.fd(), "eth0"));
    CHECK_FALSE(tcp_ask(c2.fd(), a1, kPort, 300).has_value());
    opened.detach(host_end);  // absent: quietly nothing
    CHECK(leaked(watcher, {"stk" + id, ns_marker(c1.fd()), ns_marker(c2.fd())}).empty());
}

TEST_CASE("topology: an uncommitted attachment is undone and bad input refused", "[topology]") {
    TopologyRunRoot root;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto c1 = NetNamespace::create("stk" + id + "c1");
    std::string host_end;
    {
        auto v = net.attach(c1.fd(), "eth0", subnet.first_host(), true);
        host_end = v.host_end_name();
        REQUIRE(has_link(net.netns_fd(), host_end));
    }
    CHECK_FALSE(has_link(net.netns_fd(), host_end));
    CHECK_FALSE(has_link(c1.fd(), "eth0"));
    CHECK_THROWS_AS(net.attach(c1.fd(), "eth0", net.gateway(), true), stk::Error);
    CHECK_THROWS_AS(net.attach(c1.fd(), "eth0", ip("192.0.2.9"), true), stk::Error);
    CHECK_FALSE(has_link(c1.fd(), "eth0"));
    CHECK_THROWS_AS(BridgeNetwork::create("Bad/Id", subnet, false), stk::Error);
    CHECK_THROWS_AS(BridgeNetwork::create("waytoolongid", subnet, false), stk::Error);
    try {
        BridgeNetwork::create(id, subnet, false);
        FAIL("created a network twice");
    } catch (const stk::Error& e) {
        CHECK(std::string(e.what()).find("create network \"" + id + "\"") == 0);
    }
    // The failed duplicate did not disturb the live network.
    CHECK(BridgeNetwork::exists(id));
    CHECK(has_link(net.netns_fd(), net.bridge_name()));
}

TEST_CASE("topology: the bridge namespace's routes include its subnet", "[topology]") {
    TopologyRunRoot root;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto routes = in_netns(net.netns_fd(), [] { return read_host_routes(); });
    CHECK(std::find(routes.begin(), routes.end(), subnet) != routes.end());
    // And the host's routes do not: the network lives in its own namespace.
    auto host = read_host_routes();
    CHECK(std::find(host.begin(), host.end(), subnet) == host.end());
}

TEST_CASE("topology: attaches from several threads at once all work", "[topology]") {
    TopologyRunRoot root;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    constexpr int kThreads = 6;
    std::vector<NetNamespace> containers;
    for (int i = 0; i < kThreads; ++i) {
        containers.push_back(NetNamespace::create("stk" + id + "c" + std::to_string(i)));
    }
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            try {
                net.attach(containers[i].fd(), "eth0", subnet.first_host() + i, true).commit();
            } catch (const std::exception& e) {
                failures[i] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kThreads; ++i) CHECK(failures[i].empty());
    EchoServer server(containers[0].fd(), kPort, "c0");
    for (int i = 1; i < kThreads; ++i) {
        CHECK(tcp_ask(containers[i].fd(), subnet.first_host(), kPort) ==
              "c0:" + ipv4_to_string(subnet.first_host() + i));
    }
    // No thread was left in another namespace: this one still sees the host's routes.
    auto host = read_host_routes();
    CHECK(std::find(host.begin(), host.end(), subnet) == host.end());
}

TEST_CASE("topology: the gateway's MAC address stays put as containers join", "[topology]") {
    TopologyRunRoot root;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto net = BridgeNetwork::create(id, subnet, false);
    auto sock = NlSocket::open_in(net.netns_fd());
    const auto before = link_hwaddr(sock, net.bridge_name());
    CHECK(before.rfind("02:", 0) == 0);
    std::vector<NetNamespace> containers;
    for (int i = 0; i < 4; ++i) {
        containers.push_back(NetNamespace::create("stk" + id + "c" + std::to_string(i)));
        net.attach(containers.back().fd(), "eth0", subnet.first_host() + i, true).commit();
        CHECK(link_hwaddr(sock, net.bridge_name()) == before);
    }
}

TEST_CASE("topology: remove() clears whatever an earlier process left", "[topology]") {
    TopologyRunRoot root;
    auto id = unique_net_id();
    auto subnet = pick_subnet(root, "t/" + id);
    auto pin = NetNamespace::path_for("stk" + id);
    // A complete network whose owner went away without destroying it.
    BridgeNetwork::create(id, subnet, false).release();
    REQUIRE(BridgeNetwork::exists(id));
    BridgeNetwork::remove(id);
    CHECK_FALSE(BridgeNetwork::exists(id));
    CHECK_FALSE(mounted(pin));
    // A namespace pinned by a create that died before the bridge existed.
    NetNamespace::create("stk" + id).release();
    CHECK_THROWS_AS(BridgeNetwork::open(id), stk::Error);
    BridgeNetwork::remove(id);
    CHECK_FALSE(std::filesystem::exists(pin));
    // A pin file that was never mounted does not block a new network.
    { std::ofstream(pin.string()).put('\n'); }
    REQUIRE(std::filesystem::exists(pin));
    {
        auto net = BridgeNetwork::create(id, subnet, false);
        CHECK(BridgeNetwork::exists(id));
    }
    BridgeNetwork::remove(id);  // absent: nothing to do
    CHECK_FALSE(std::filesystem::exists(pin));
}
