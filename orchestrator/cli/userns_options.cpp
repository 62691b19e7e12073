#include "orchestrator/cli/userns_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

runtime::IdMap parse_range(const std::string& flag, const std::string& text) {
    runtime::IdMap m;
    uint32_t* fields[] = {&m.inside, &m.outside, &m.count};
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 3; ++i) {
        auto [next, ec] = std::from_chars(p, end, *fields[i]);
        bool separator_ok = i < 2 ? (next != end && *next == ':') : next == end;
        if (ec != std::errc() || next == p || !separator_ok)
            throw Error(fmt::format("{} \"{}\": use CONTAINER_ID:HOST_ID:COUNT", flag, text));
        p = next + 1;
    }
    const uint64_t last = std::numeric_limits<uint32_t>::max();
    if (m.count == 0 || uint64_t{m.inside} + m.count - 1 >= last ||
        uint64_t{m.outside} + m.count - 1 >= last)
        throw Error(fmt::format("{} \"{}\": the range is empty or passes id {}", flag, text,
                                last - 1));
    return m;
}

std::vector<runtime::IdMap> parse_ranges(const std::string& flag,
                                         const std::vector<std::string>& texts) {
    std::vector<runtime::IdMap> maps;
    for (const auto& t : texts) maps.push_back(parse_range(flag, t));
    return maps;
}

}  // namespace

void apply_userns_options(const std::vector<std::string>& uidmap,
                          const std::vector<std::string>& gidmap, runtime::ContainerSpec& spec) {
    if (uidmap.empty() && gidmap.empty()) return;
    spec.user_namespace = true;
    auto uids = uidmap.empty() ? parse_ranges("--gidmap", gidmap) : parse_ranges("--uidmap", uidmap);
    auto gids = gidmap.empty() ? uids : parse_ranges("--gidmap", gidmap);
    spec.uid_maps = std::move(uids);
    spec.gid_maps = std::move(gids);
}

}  // namespace stk::cli
