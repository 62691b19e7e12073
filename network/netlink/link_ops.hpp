#pragma once
// Links, addresses and routes through libnl on a given route socket (so in its namespace).
// Each function names the interface and operation in its errors.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "network/ipam/subnet.hpp"
#include "network/netlink/nl_socket.hpp"

namespace stk::net {

// The interface index of `name`, or nullopt when there is none.
std::optional<int> link_index(const NlSocket& sock, const std::string& name);
int require_link_index(const NlSocket& sock, const std::string& name);
std::vector<std::string> link_names(const NlSocket& sock);

// A bridge with a fixed MAC address: without one the kernel gives the bridge the lowest MAC of
// its ports, so the gateway's MAC would change under the containers' ARP caches as they join.
void create_bridge(const NlSocket& sock, const std::string& name,
                   const std::array<uint8_t, 6>& mac);
// The link's hardware address as "aa:bb:cc:dd:ee:ff".
std::string link_hwaddr(const NlSocket& sock, const std::string& name);
// A veth pair whose `name` end stays in the socket's namespace and whose `peer_name` end is
// created directly in `peer_netns_fd` (-1: the socket's own namespace).
void create_veth(const NlSocket& sock, const std::string& name, const std::string& peer_name,
                 int peer_netns_fd);
void set_link_up(const NlSocket& sock, const std::string& name);
void set_link_master(const NlSocket& sock, const std::string& name, const std::string& master);
// Deletes a link; returns false when it did not exist.
bool delete_link(const NlSocket& sock, const std::string& name);

void add_address(const NlSocket& sock, const std::string& ifname, uint32_t address, int prefix);
// The IPv4 addresses on `ifname` as subnets-with-host-part: {address, prefix}.
std::vector<std::pair<uint32_t, int>> link_addresses(const NlSocket& sock,
                                                     const std::string& ifname);
// A default route via `gateway`; replaces an existing default route.
void add_default_route(const NlSocket& sock, uint32_t gateway);
// IPv4 route destinations in every table.
std::vector<Subnet> route_destinations(const NlSocket& sock);

}  // namespace stk::net
