#include "network/dns/dns_records.hpp"

#include <algorithm>

#include "network/dns/dns_message.hpp"

namespace stk::net::dns {

void RecordTable::set(const std::string& owner, const std::vector<std::string>& names,
                      uint32_t address) {
    Entry entry;
    entry.address = address;
    for (const auto& name : names) {
        std::string canonical = canonical_name(name);
        if (canonical.empty()) continue;
        if (std::find(entry.names.begin(), entry.names.end(), canonical) == entry.names.end())
            entry.names.push_back(std::move(canonical));
    }
    std::lock_guard lock(mutex_);
    owners_[owner] = std::move(entry);
}

void RecordTable::remove(const std::string& owner) {
    std::lock_guard lock(mutex_);
    owners_.erase(owner);
}

std::optional<std::vector<uint32_t>> RecordTable::lookup(const std::string& name) {
    std::string canonical = canonical_name(name);
    std::vector<uint32_t> addresses;
    std::lock_guard lock(mutex_);
    // A linear scan: a network holds tens of containers, and the table stays one simple map.
    for (const auto& [owner, entry] : owners_) {
        if (std::find(entry.names.begin(), entry.names.end(), canonical) != entry.names.end() &&
            std::find(addresses.begin(), addresses.end(), entry.address) == addresses.end())
            addresses.push_back(entry.address);
    }
    if (addresses.empty()) {
        rotation_.erase(canonical);
        return std::nullopt;
    }
    uint64_t turn = rotation_[canonical]++;
    std::rotate(addresses.begin(), addresses.begin() + turn % addresses.size(), addresses.end());
    return addresses;
}

std::optional<std::string> RecordTable::reverse(uint32_t address) const {
    std::lock_guard lock(mutex_);
    for (const auto& [owner, entry] : owners_)
        if (entry.address == address && !entry.names.empty()) return entry.names.front();
    return std::nullopt;
}

}  // namespace stk::net::dns
