#include "network/etc_files/etc_files.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::net {
namespace {

std::string dotted(uint32_t address) {
    return fmt::format("{}.{}.{}.{}", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
                       address & 0xff);
}

// A hostname as /etc/hosts accepts it: no whitespace, no comment start, not empty.
void check_host_name(const std::string& name, const char* what) {
    bool ok = !name.empty() && name.size() <= 253;
    for (char c : name) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' || c == '\0') ok = false;
    }
    if (!ok) throw Error(fmt::format("invalid {} \"{}\" for /etc/hosts", what, name));
}

bool is_ip_address(const std::string& text) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

std::string hosts_file(const std::string& hostname, const std::vector<std::string>& own_names,
                       uint32_t own_address,
                       const std::vector<std::pair<std::string, std::string>>& extra_hosts) {
    std::string out =
        "127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "ff00::0\tip6-mcastprefix\n"
        "ff02::1\tip6-allnodes\n"
        "ff02::2\tip6-allrouters\n";
    if (own_address != 0) {
        std::string line = dotted(own_address);
        std::vector<std::string> seen;
        auto add = [&](const std::string& name, const char* what) {
            check_host_name(name, what);
            for (const auto& s : seen)
                if (s == name) return;
            seen.push_back(name);
            line += '\t';
            line += name;
        };
        if (!hostname.empty()) add(hostname, "hostname");
        for (const auto& name : own_names) add(name, "container name");
        if (!seen.empty()) out += line + '\n';
    }
    for (const auto& [name, address] : extra_hosts) {
        check_host_name(name, "extra_hosts name");
        if (!is_ip_address(address))
            throw Error(fmt::format("invalid address \"{}\" for extra host \"{}\"", address, name));
        out += fmt::format("{}\t{}\n", address, name);
    }
    return out;
}

std::string resolv_conf(uint32_t nameserver, const std::vector<std::string>& search,
                        const std::vector<std::string>& options) {
    std::string out = fmt::format("nameserver {}\n", dotted(nameserver));
    auto join = [](const char* key, const std::vector<std::string>& items) {
        std::string line = key;
        for (const auto& item : items) {
            if (item.empty() || item.find_first_of(" \t\n") != std::string::npos)
                throw Error(fmt::format("invalid resolv.conf {} entry \"{}\"", key, item));
            line += ' ' + item;
        }
        return line + '\n';
    };
    if (!search.empty()) out += join("search", search);
    if (!options.empty()) out += join("options", options);
    return out;
}

}  // namespace stk::net
