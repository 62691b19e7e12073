#pragma once
// Source NAT for a stack network's egress, through libnftables (no `nft` process).
#include <string>

#include "network/ipam/subnet.hpp"

namespace stk::net {

// Adds table "ip stk_egress" with a postrouting rule masquerading `subnet` leaving through
// `out_ifname`, in the namespace `netns_fd` only.
void install_masquerade(int netns_fd, const Subnet& subnet, const std::string& out_ifname);

}  // namespace stk::net
