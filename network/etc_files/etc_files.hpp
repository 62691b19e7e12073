#pragma once
// The content of a container's /etc/hosts and /etc/resolv.conf (writing them is the caller's
// job: a bind-mounted file must be rewritten in place, not renamed over).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stk::net {

// localhost lines, then `own_address` with `hostname` and `own_names` (when own_address != 0),
// then one line per extra host ("name", "ip"). Throws Error on an invalid name or address.
std::string hosts_file(const std::string& hostname, const std::vector<std::string>& own_names,
                       uint32_t own_address,
                       const std::vector<std::pair<std::string, std::string>>& extra_hosts);

// "nameserver <ip>", "search ..." and "options ..." lines (the last two only when non-empty).
std::string resolv_conf(uint32_t nameserver, const std::vector<std::string>& search,
                        const std::vector<std::string>& options);

}  // namespace stk::net
