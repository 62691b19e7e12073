#pragma once
// Address management: a subnet per stack network and an address per container, with state in
// JSON files under the run root guarded by flock, so a restarted supervisor continues where the
// last one stopped.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "network/ipam/subnet.hpp"

namespace stk::net {

struct PoolConfig {
    // 10.213.0.0/16: private (RFC 1918), far from the usual 10.0/10.1 LANs and docker's
    // 172.17-31 and 192.168 ranges; 256 networks of 253 containers each.
    Subnet pool = Subnet::parse("10.213.0.0/16");
    int prefix = 24;
};

// The default state directory: <run_root>/ipam.
std::filesystem::path default_ipam_dir();

// Hands out one subnet per network key (e.g. "<project>/<network>"), never overlapping a host
// route given at construction (see read_host_routes) nor another network in the state file.
class SubnetPool {
public:
    SubnetPool(std::filesystem::path state_dir, PoolConfig config, std::vector<Subnet> host_routes);

    // The network's subnet: the one it already has, else the first free one from the pool.
    // Throws Error when the pool is exhausted.
    Subnet allocate(const std::string& network_key);
    // Records an explicitly configured subnet (`ipam.config`); throws Error naming the other
    // network or route when it overlaps one. Idempotent for the same key and subnet.
    Subnet reserve(const std::string& network_key, const Subnet& subnet);
    void release(const std::string& network_key);
    std::optional<Subnet> find(const std::string& network_key) const;

private:
    std::filesystem::path state_file_;
    PoolConfig config_;
    std::vector<Subnet> host_routes_;
};

// Hands out addresses of one network's subnet to owners (container names). The gateway,
// network and broadcast addresses are never handed out. Allocation continues round-robin after
// the last address given, so a released address is reused only after the others.
class AddressAllocator {
public:
    AddressAllocator(std::filesystem::path state_dir, std::string network_key, Subnet subnet);

    // The owner's address: the one it already has (a restart keeps its address), else the next
    // free one. Throws Error when the subnet is exhausted.
    uint32_t allocate(const std::string& owner);
    // Records an explicit address (`ipv4_address`); throws Error when it is outside the subnet,
    // reserved, or held by another owner.
    uint32_t reserve(const std::string& owner, uint32_t address);
    void release(const std::string& owner);
    std::optional<uint32_t> find(const std::string& owner) const;
    // Forgets the whole network (its state file goes away).
    void remove_all();

private:
    std::filesystem::path state_file_;
    std::string network_key_;
    Subnet subnet_;
};

}  // namespace stk::net
