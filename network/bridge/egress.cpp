#include "network/bridge/egress.hpp"

#include <linux/ip.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>

#include <functional>
#include <memory>

#include "network/bridge/bridge_network.hpp"
#include "network/bridge/masquerade.hpp"
#include "network/netlink/link_ops.hpp"
#include "runtime/sys/error.hpp"

namespace stk::net {
namespace {

// Per-device forwarding through netlink: it can only ever affect the socket's namespace.
void enable_forwarding(const NlSocket& sock, const std::string& ifname) {
    std::string what = "enable IPv4 forwarding on \"" + ifname + "\"";
    rtnl_link* raw = nullptr;
    check_nl(rtnl_link_get_kernel(sock.get(), 0, ifname.c_str(), &raw), what);
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> orig(raw, rtnl_link_put);
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> change(rtnl_link_alloc(), rtnl_link_put);
    if (!change) throw Error(what + ": out of memory");
    check_nl(rtnl_link_inet_set_conf(change.get(), IPV4_DEVCONF_FORWARDING, 1), what);
    check_nl(rtnl_link_change(sock.get(), orig.get(), change.get(), 0), what);
}

}  // namespace

Subnet egress_transfer_subnet(const std::string& id, const std::vector<Subnet>& taken) {
    const Subnet link_local = Subnet::parse("169.254.0.0/16");
    const Subnet metadata = Subnet::parse("169.254.169.0/24");
    const uint32_t slots = 1u << 14;  // /30s in a /16
    uint32_t slot = static_cast<uint32_t>(std::hash<std::string>{}(id)) % slots;
    for (uint32_t i = 0; i < slots; ++i, slot = (slot + 1) % slots) {
        Subnet candidate{link_local.network + slot * 4, 30};
        if (metadata.overlaps(candidate)) continue;
        bool free = true;
        for (const auto& t : taken) free = free && !t.overlaps(candidate);
        if (free) return candidate;
    }
    throw Error("no free /30 in 169.254.0.0/16 for the egress link");
}

void setup_egress(const NlSocket& bridge_sock, int bridge_netns_fd, int outside_netns_fd,
                  const std::string& id, const std::string& bridge_name, const Subnet& subnet) {
    with_context("set up egress for network \"" + id + "\"", [&] {
        const auto inside = egress_inside_name(id);
        const auto outside = egress_outside_name(id);
        auto outside_sock = NlSocket::open_in(outside_netns_fd);
        auto transfer = egress_transfer_subnet(id, route_destinations(outside_sock));
        const uint32_t outside_addr = transfer.network + 1;
        const uint32_t inside_addr = transfer.network + 2;

        create_veth(bridge_sock, inside, outside, outside_netns_fd);
        add_address(outside_sock, outside, outside_addr, transfer.prefix);
        set_link_up(outside_sock, outside);
        add_address(bridge_sock, inside, inside_addr, transfer.prefix);
        set_link_up(bridge_sock, inside);
        add_default_route(bridge_sock, outside_addr);
        enable_forwarding(bridge_sock, bridge_name);
        enable_forwarding(bridge_sock, inside);
        install_masquerade(bridge_netns_fd, subnet, inside);
    });
}

}  // namespace stk::net
