#pragma once
// One network of a project as the supervisor holds it: the bridge in its own namespace, the
// subnet (from `ipam.config` or the pool), the address allocator and the DNS server on the
// gateway's port 53.
#include <memory>
#include <optional>
#include <string>

#include "network/bridge/bridge_network.hpp"
#include "network/dns/dns_server.hpp"
#include "network/ipam/subnet_pool.hpp"
#include "orchestrator/model/project.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::engine {

struct ProjectNetwork {
    std::string key;  // the stack file's key ("default", "backend", ...)
    std::string id;   // network_id(): the BridgeNetwork id
    net::Subnet subnet;
    std::optional<net::BridgeNetwork> bridge;
    std::unique_ptr<net::DnsServer> dns;
    std::unique_ptr<net::AddressAllocator> addresses;
};

// The IPAM key of a project network: "<project>/<key>".
std::string ipam_key(const std::string& project, const std::string& key);

// Creates network `key` of the project (a leftover of the same id is removed first). Throws
// Error naming the network.
ProjectNetwork create_project_network(supervise::IoContext& io, const model::Project& project,
                                      const std::string& key);

// Everything of the network: DNS, bridge namespace (and the veths in it), addresses, subnet.
// Never throws; errors are logged.
void destroy_project_network(ProjectNetwork& network, const std::string& project);

// The same, for a network this process does not hold (`down` after a crash); absent parts are
// not errors.
void remove_project_network(const std::string& project, const std::string& key);

}  // namespace stk::engine
