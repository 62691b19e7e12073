#pragma once
// Egress for a stack network: a veth from its namespace to an "outside" namespace, a /30
// transfer subnet on it, a default route out, forwarding on in the network's namespace only,
// and masquerading.
#include <string>
#include <vector>

#include "network/ipam/subnet.hpp"
#include "network/netlink/nl_socket.hpp"

namespace stk::net {

// A /30 in 169.254.0.0/16 (link-local: never routed beyond the outside namespace) picked from
// a hash of `id`, skipping 169.254.169.0/24 (cloud metadata) and anything in `taken`.
Subnet egress_transfer_subnet(const std::string& id, const std::vector<Subnet>& taken);

// Sets up egress for network `id` whose bridge namespace `bridge_sock` talks to.
void setup_egress(const NlSocket& bridge_sock, int bridge_netns_fd, int outside_netns_fd,
                  const std::string& id, const std::string& bridge_name, const Subnet& subnet);

}  // namespace stk::net
