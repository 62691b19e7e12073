#pragma once
#include <vector>

#include "network/ipam/subnet.hpp"

namespace stk::net {

// The IPv4 destinations routed in the calling thread's network namespace (all tables, read
// through netlink), without default routes: subnets a stack network must not overlap.
std::vector<Subnet> read_host_routes();

}  // namespace stk::net
