#include "orchestrator/engine/project_network.hpp"

#include <fmt/format.h>

#include "network/ipam/host_routes.hpp"
#include "orchestrator/engine/naming.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::engine {
namespace {

net::SubnetPool make_pool() {
    return net::SubnetPool(net::default_ipam_dir(), net::PoolConfig{}, net::read_host_routes());
}

}  // namespace

std::string ipam_key(const std::string& project, const std::string& key) {
    return project + "/" + key;
}

ProjectNetwork create_project_network(supervise::IoContext& io, const model::Project& project,
                                      const std::string& key) {
    return with_context(fmt::format("create network \"{}\"", key), [&] {
        const model::Network* def = nullptr;
        if (auto it = project.networks.find(key); it != project.networks.end()) def = &it->second;
        if (def && def->external)
            throw Error("external networks are not supported (stack networks are per project)");
        if (def && !def->driver.empty() && def->driver != "bridge")
            throw Error(fmt::format("driver \"{}\" is not supported (only bridge)", def->driver));
        ProjectNetwork n;
        n.key = key;
        n.id = network_id(project.name, key);
        std::string ik = ipam_key(project.name, key);
        net::SubnetPool pool = make_pool();
        if (def && def->ipam && !def->ipam->config.empty() &&
            !def->ipam->config.front().subnet.empty()) {
            n.subnet = pool.reserve(ik, net::Subnet::parse(def->ipam->config.front().subnet));
        } else {
            n.subnet = pool.allocate(ik);
        }
        if (net::BridgeNetwork::exists(n.id)) net::BridgeNetwork::remove(n.id);
        n.bridge.emplace(net::BridgeNetwork::create(n.id, n.subnet, false));
        n.addresses = std::make_unique<net::AddressAllocator>(net::default_ipam_dir(), ik, n.subnet);
        // No forwarding upstream: stack never sends traffic to outside addresses by itself.
        n.dns = std::make_unique<net::DnsServer>(io, n.bridge->netns_fd(), n.subnet.gateway(), 53,
                                                 false);
        return n;
    });
}

void destroy_project_network(ProjectNetwork& n, const std::string& project) {
    n.dns.reset();
    if (n.bridge) {
        n.bridge->destroy();
        n.bridge.reset();
    }
    try {
        if (n.addresses) n.addresses->remove_all();
        n.addresses.reset();
        make_pool().release(ipam_key(project, n.key));
    } catch (const std::exception& e) {
        spdlog::warn("network \"{}\": release addresses: {}", n.key, e.what());
    }
}

void remove_project_network(const std::string& project, const std::string& key) {
    net::BridgeNetwork::remove(network_id(project, key));
    try {
        net::SubnetPool pool = make_pool();
        std::string ik = ipam_key(project, key);
        if (auto subnet = pool.find(ik))
            net::AddressAllocator(net::default_ipam_dir(), ik, *subnet).remove_all();
        pool.release(ik);
    } catch (const std::exception& e) {
        spdlog::warn("network \"{}\": release addresses: {}", key, e.what());
    }
}

}  // namespace stk::engine
