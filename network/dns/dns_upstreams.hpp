#pragma once
// Upstream resolvers for forwarding: the IPv4 nameservers of the host's resolv.conf.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stk::net::dns {

// (address in host byte order, port 53) for each IPv4 "nameserver" line, in order, at most 3
// (as glibc uses). IPv6 and malformed lines are skipped.
std::vector<std::pair<uint32_t, uint16_t>> parse_nameservers(const std::string& resolv_conf);

// parse_nameservers of /etc/resolv.conf; empty when the file is missing.
std::vector<std::pair<uint32_t, uint16_t>> host_nameservers();

}  // namespace stk::net::dns
