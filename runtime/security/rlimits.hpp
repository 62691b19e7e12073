#pragma once
// Resource limits from `ulimits`: decided in the parent (names, clamping, warnings), applied in
// the child with setrlimit only (no allocation).
#include <sys/resource.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "runtime/spec.hpp"

namespace stk::runtime {

struct RlimitPlan {
    struct Entry {
        int resource = 0;  // RLIMIT_*
        rlimit value{};
    };
    std::array<Entry, RLIM_NLIMITS> entries{};
    size_t count = 0;
};

// The highest hard limit the caller may set for each resource; nullopt = no ceiling (the caller
// holds CAP_SYS_RESOURCE). The host's: getrlimit() hard limits, unless CAP_SYS_RESOURCE.
struct RlimitCeilings {
    std::array<std::optional<rlim_t>, RLIM_NLIMITS> hard{};
    static RlimitCeilings of_this_process();
};

// Docker's names: as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio
// rttime sigpending stack. Unknown names, soft > hard or duplicates throw Error; values above
// the ceiling are lowered to it and a warning naming both numbers is appended.
RlimitPlan plan_rlimits(const std::vector<Ulimit>& ulimits, std::vector<std::string>& warnings,
                        const RlimitCeilings& ceilings);
RlimitPlan plan_rlimits(const std::vector<Ulimit>& ulimits, std::vector<std::string>& warnings);

// RLIMIT_* for a docker name, or nullopt.
std::optional<int> rlimit_resource(const std::string& name);

void apply_rlimits_in_child(const RlimitPlan& plan);

}  // namespace stk::runtime
