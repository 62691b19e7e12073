#include "network/ipam/subnet_pool.hpp"

#include <set>

#include "network/ipam/locked_state.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::net {
namespace {

using nlohmann::json;

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// A file name for a network key: [A-Za-z0-9._-] kept, anything else as %XX.
std::string file_name_for(const std::string& key) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : key) {
        if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// The subnets recorded in the pool state, by network key.
std::vector<std::pair<std::string, Subnet>> recorded(const json& doc) {
    std::vector<std::pair<std::string, Subnet>> out;
    if (!doc.contains("networks")) return out;
    for (const auto& [key, value] : doc["networks"].items()) {
        out.emplace_back(key, Subnet::parse(value.get<std::string>()));
    }
    return out;
}

// Why `candidate` cannot be used by `key`, or "" when it can.
std::string conflict(const std::string& key, const Subnet& candidate, const json& doc,
                     const std::vector<Subnet>& host_routes) {
    for (const auto& [other, subnet] : recorded(doc)) {
        if (other != key && subnet.overlaps(candidate)) {
            return "overlaps " + subnet.to_string() + " of network " + in_quotes(other);
        }
    }
    for (const auto& route : host_routes) {
        if (route.overlaps(candidate)) return "overlaps the host route " + route.to_string();
    }
    return {};
}

}  // namespace

std::filesystem::path default_ipam_dir() { return run_root() / "ipam"; }

SubnetPool::SubnetPool(std::filesystem::path state_dir, PoolConfig config,
                       std::vector<Subnet> host_routes)
    : state_file_(std::move(state_dir) / "subnets.json"),
      config_(config),
      host_routes_(std::move(host_routes)) {
    if (config_.prefix < config_.pool.prefix || config_.prefix > 30) {
        throw Error("address pool " + config_.pool.to_string() + ": cannot split into /" +
                    std::to_string(config_.prefix) + " subnets");
    }
}

Subnet SubnetPool::allocate(const std::string& network_key) {
    return with_context("allocate a subnet for network " + in_quotes(network_key), [&] {
        Subnet chosen;
        update_locked_json(state_file_, [&](json& doc) {
            auto& networks = doc["networks"];
            if (networks.contains(network_key)) {
                chosen = Subnet::parse(networks[network_key].get<std::string>());
                return false;
            }
            const uint64_t step = uint64_t{1} << (32 - config_.prefix);
            const uint64_t end = uint64_t{config_.pool.broadcast()} + 1;
            for (uint64_t n = config_.pool.network; n + step <= end; n += step) {
                Subnet candidate{static_cast<uint32_t>(n), config_.prefix};
                if (conflict(network_key, candidate, doc, host_routes_).empty()) {
                    networks[network_key] = candidate.to_string();
                    chosen = candidate;
                    return true;
                }
            }
            throw Error("address pool " + config_.pool.to_string() + " is exhausted (no free /" +
                        std::to_string(config_.prefix) + ")");
        });
        return chosen;
    });
}

Subnet SubnetPool::reserve(const std::string& network_key, const Subnet& subnet) {
    return with_context(
        "reserve subnet " + subnet.to_string() + " for network " + in_quotes(network_key), [&] {
            if (subnet.prefix > 30) throw Error("a network needs at least a /30");
            update_locked_json(state_file_, [&](json& doc) {
                auto& networks = doc["networks"];
                if (networks.contains(network_key)) {
                    auto current = Subnet::parse(networks[network_key].get<std::string>());
                    if (current == subnet) return false;
                    throw Error("the network already has " + current.to_string());
                }
                auto why = conflict(network_key, subnet, doc, host_routes_);
                if (!why.empty()) throw Error(why);
                networks[network_key] = subnet.to_string();
                return true;
            });
            return subnet;
        });
}

void SubnetPool::release(const std::string& network_key) {
    with_context("release the subnet of network " + in_quotes(network_key), [&] {
        update_locked_json(state_file_, [&](json& doc) {
            return doc.contains("networks") && doc["networks"].erase(network_key) > 0;
        });
    });
}

std::optional<Subnet> SubnetPool::find(const std::string& network_key) const {
    auto doc = read_locked_json(state_file_);
    if (!doc.contains("networks") || !doc["networks"].contains(network_key)) return std::nullopt;
    return Subnet::parse(doc["networks"][network_key].get<std::string>());
}

AddressAllocator::AddressAllocator(std::filesystem::path state_dir, std::string network_key,
                                   Subnet subnet)
    : state_file_(state_dir / "addresses" / (file_name_for(network_key) + ".json")),
      network_key_(std::move(network_key)),
      subnet_(subnet) {
    if (subnet_.prefix > 30) {
        throw Error("network " + in_quotes(network_key_) + ": subnet " + subnet_.to_string() +
                    " has no room for containers");
    }
}

uint32_t AddressAllocator::allocate(const std::string& owner) {
    return with_context(
        "allocate an address for " + in_quotes(owner) + " on network " + in_quotes(network_key_),
        [&] {
            uint32_t chosen = 0;
            update_locked_json(state_file_, [&](json& doc) {
                auto& owners = doc["owners"];
                if (owners.contains(owner)) {
                    chosen = *parse_ipv4(owners[owner].get<std::string>());
                    return false;
                }
                std::set<uint32_t> taken;
                for (const auto& [name, ip] : owners.items()) taken.insert(*parse_ipv4(ip));
                const uint32_t first = subnet_.first_host();
                const uint32_t last = subnet_.last_host();
                uint32_t cursor = last;
                if (doc.contains("last")) {
                    auto prev = parse_ipv4(doc["last"].get<std::string>());
                    if (prev && *prev >= first && *prev <= last) cursor = *prev;
                }
                for (uint64_t i = 0; i <= uint64_t{last} - first; ++i) {
                    cursor = cursor >= last ? first : cursor + 1;
                    if (!taken.count(cursor)) {
                        owners[owner] = ipv4_to_string(cursor);
                        doc["last"] = ipv4_to_string(cursor);
                        doc["subnet"] = subnet_.to_string();
                        chosen = cursor;
                        return true;
                    }
                }
                throw Error("subnet " + subnet_.to_string() + " is exhausted (" +
                            std::to_string(taken.size()) + " addresses in use)");
            });
            return chosen;
        });
}

uint32_t AddressAllocator::reserve(const std::string& owner, uint32_t address) {
    return with_context(
        "reserve address " + ipv4_to_string(address) + " for " + in_quotes(owner) + " on network " +
            in_quotes(network_key_),
        [&] {
            if (address < subnet_.first_host() || address > subnet_.last_host()) {
                throw Error("not a container address of subnet " + subnet_.to_string() +
                            " (the gateway, network and broadcast addresses are reserved)");
            }
            update_locked_json(state_file_, [&](json& doc) {
                auto& owners = doc["owners"];
                for (const auto& [name, ip] : owners.items()) {
                    if (*parse_ipv4(ip) != address) continue;
                    if (name == owner) return false;
                    throw Error("already held by " + in_quotes(name));
                }
                owners[owner] = ipv4_to_string(address);
                doc["subnet"] = subnet_.to_string();
                return true;
            });
            return address;
        });
}

void AddressAllocator::release(const std::string& owner) {
    with_context(
        "release the address of " + in_quotes(owner) + " on network " + in_quotes(network_key_),
        [&] {
            update_locked_json(state_file_, [&](json& doc) {
                return doc.contains("owners") && doc["owners"].erase(owner) > 0;
            });
        });
}

std::optional<uint32_t> AddressAllocator::find(const std::string& owner) const {
    auto doc = read_locked_json(state_file_);
    if (!doc.contains("owners") || !doc["owners"].contains(owner)) return std::nullopt;
    return parse_ipv4(doc["owners"][owner].get<std::string>());
}

void AddressAllocator::remove_all() {
    std::error_code ec;
    std::filesystem::remove(state_file_, ec);
    std::filesystem::remove(state_file_.string() + ".lock", ec);
}

}  // namespace stk::net
