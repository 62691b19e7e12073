#include "network/ipam/host_routes.hpp"

#include "network/netlink/link_ops.hpp"
#include "runtime/sys/error.hpp"

namespace stk::net {

std::vector<Subnet> read_host_routes() {
    return with_context("read the host's routes", [] {
        NlSocket sock;
        return route_destinations(sock);
    });
}

}  // namespace stk::net
