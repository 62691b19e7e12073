#pragma once
// `stack container run --uidmap C:H:N --gidmap C:H:N` (podman's syntax, repeatable): a user
// namespace in which container ids C..C+N-1 are host ids H..H+N-1. Only one of the two given: the
// other uses the same ranges, as podman does.
#include <string>
#include <vector>

#include "runtime/spec.hpp"

namespace stk::cli {

// Fills spec.user_namespace, uid_maps and gid_maps; nothing when both lists are empty. Throws
// Error naming the flag and the text for a malformed or overflowing range.
void apply_userns_options(const std::vector<std::string>& uidmap,
                          const std::vector<std::string>& gidmap, runtime::ContainerSpec& spec);

}  // namespace stk::cli
