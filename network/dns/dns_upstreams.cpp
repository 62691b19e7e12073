#include "network/dns/dns_upstreams.hpp"

#include <arpa/inet.h>

#include <sstream>

#include "runtime/sys/file_util.hpp"

namespace stk::net::dns {

std::vector<std::pair<uint32_t, uint16_t>> parse_nameservers(const std::string& resolv_conf) {
    std::vector<std::pair<uint32_t, uint16_t>> out;
    std::istringstream in(resolv_conf);
    std::string line;
    while (std::getline(in, line) && out.size() < 3) {
        std::istringstream words(line);
        std::string key, value;
        if (!(words >> key >> value) || key != "nameserver") continue;
        in_addr addr{};
        if (::inet_pton(AF_INET, value.c_str(), &addr) != 1) continue;
        out.emplace_back(ntohl(addr.s_addr), 53);
    }
    return out;
}

std::vector<std::pair<uint32_t, uint16_t>> host_nameservers() {
    auto content = read_file_if_exists("/etc/resolv.conf");
    return content ? parse_nameservers(*content) : std::vector<std::pair<uint32_t, uint16_t>>{};
}

}  // namespace stk::net::dns
