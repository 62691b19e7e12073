#include "network/ipam/subnet.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "runtime/sys/error.hpp"

namespace stk::net {

std::string ipv4_to_string(uint32_t address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

std::optional<uint32_t> parse_ipv4(const std::string& text) {
    in_addr addr{};
    // inet_pton accepts exactly the dotted-quad form (no octal, no short forms).
    if (::inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
    return ntohl(addr.s_addr);
}

Subnet Subnet::parse(const std::string& text) {
    auto slash = text.find('/');
    if (slash == std::string::npos) throw Error("subnet \"" + text + "\": missing /prefix");
    auto address = parse_ipv4(text.substr(0, slash));
    if (!address) throw Error("subnet \"" + text + "\": invalid IPv4 address");
    int prefix = -1;
    const char* first = text.data() + slash + 1;
    const char* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(first, last, prefix);
    if (ec != std::errc() || end != last || first == last || prefix < 0 || prefix > 32) {
        throw Error("subnet \"" + text + "\": invalid prefix length");
    }
    Subnet s = containing(*address, prefix);
    if (s.network != *address) throw Error("subnet \"" + text + "\": host bits are set");
    return s;
}

Subnet Subnet::containing(uint32_t address, int prefix) {
    Subnet s{0, prefix};
    s.network = address & s.mask();
    return s;
}

uint32_t Subnet::mask() const noexcept { return prefix == 0 ? 0u : ~uint32_t{0} << (32 - prefix); }

uint32_t Subnet::broadcast() const noexcept { return network | ~mask(); }

uint64_t Subnet::size() const noexcept { return uint64_t{1} << (32 - prefix); }

bool Subnet::contains(uint32_t address) const noexcept { return (address & mask()) == network; }

bool Subnet::contains(const Subnet& other) const noexcept {
    return other.prefix >= prefix && contains(other.network);
}

bool Subnet::overlaps(const Subnet& other) const noexcept {
    return contains(other) || other.contains(*this);
}

uint32_t Subnet::gateway() const noexcept { return network + 1; }

uint32_t Subnet::first_host() const noexcept { return network + 2; }

uint32_t Subnet::last_host() const noexcept { return broadcast() - 1; }

std::string Subnet::to_string() const {
    return ipv4_to_string(network) + "/" + std::to_string(prefix);
}

}  // namespace stk::net
