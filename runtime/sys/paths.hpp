#pragma once
#include <filesystem>

namespace stk {

// Where stack keeps things. Runtime state and mounts: /run/stack (STACK_RUN_ROOT overrides);
// persistent data such as images and volumes: /var/lib/stack (STACK_DATA_ROOT overrides).
// Tests point both at private temporary directories.
std::filesystem::path run_root();
std::filesystem::path data_root();

// Name of the parent cgroup every container lives under ("stack"; STACK_CGROUP_PARENT overrides).
std::string cgroup_parent();

}  // namespace stk
