#pragma once
// IPv4 subnets and addresses. Addresses are uint32_t in host byte order.
#include <cstdint>
#include <optional>
#include <string>

namespace stk::net {

std::string ipv4_to_string(uint32_t address);
// Parses dotted-quad text; nullopt when malformed.
std::optional<uint32_t> parse_ipv4(const std::string& text);

struct Subnet {
    uint32_t network = 0;  // already masked
    int prefix = 0;        // 0..32

    // Parses "10.213.7.0/24"; throws Error when malformed or when host bits are set.
    static Subnet parse(const std::string& text);
    // The subnet of `prefix` bits containing `address` (host bits cleared).
    static Subnet containing(uint32_t address, int prefix);

    uint32_t mask() const noexcept;
    uint32_t broadcast() const noexcept;
    uint64_t size() const noexcept;  // number of addresses, network and broadcast included
    bool contains(uint32_t address) const noexcept;
    bool contains(const Subnet& other) const noexcept;
    bool overlaps(const Subnet& other) const noexcept;
    uint32_t gateway() const noexcept;     // the first host address
    uint32_t first_host() const noexcept;  // the first address a container may take
    uint32_t last_host() const noexcept;
    std::string to_string() const;

    bool operator==(const Subnet&) const = default;
};

}  // namespace stk::net
