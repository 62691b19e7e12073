#pragma once
// Profiles: a service with `profiles:` is active only when one of them is enabled ("*" enables
// all); services without `profiles` are always active. Inactive services leave the tree.
#include <string>
#include <vector>

#include "orchestrator/load/tree.hpp"

namespace stk::load {

struct ProfileResult {
    std::vector<std::string> active;  // the enabled profiles, deduplicated, in given order
    std::vector<std::string> all;     // every profile named by a service, sorted
};

// Splits COMPOSE_PROFILES ("a,b, c") and appends it to the --profile list, deduplicated.
std::vector<std::string> enabled_profiles(const std::vector<std::string>& flags,
                                          const std::string& compose_profiles);

// Removes inactive services from `root`. Throws LoadError when an active service depends
// (depends_on, links, network_mode/pid/ipc "service:x", volumes_from) on a removed one.
ProfileResult apply_profiles(Node& root, const std::vector<std::string>& enabled);

}  // namespace stk::load
