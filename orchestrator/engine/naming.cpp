#include "orchestrator/engine/naming.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace stk::engine {

std::string container_name(const model::Project& project, const model::Service& service, int index) {
    if (!service.container_name.empty()) return service.container_name;
    return fmt::format("{}-{}-{}", project.name, service.name, index);
}

std::string short_hash(const std::string& a, const std::string& b) {
    // FNV-1a, 64 bit, folded to 32: stable across runs and machines, which std::hash is not.
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const std::string& s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ull;
        }
        h ^= 0xff;
        h *= 1099511628211ull;
    };
    mix(a);
    mix(b);
    return fmt::format("{:08x}", static_cast<uint32_t>(h ^ (h >> 32)));
}

std::string network_id(const std::string& project, const std::string& network) {
    return "n" + short_hash(project, network);
}

std::string container_netns_name(const std::string& container) {
    return "stkc" + short_hash(container);
}

}  // namespace stk::engine
