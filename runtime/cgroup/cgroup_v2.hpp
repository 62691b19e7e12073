#pragma once
// The v2 backend (pure unified hosts): <root>/<parent>/<name>, with the controllers stack uses
// (cpu, cpuset, memory, pids) enabled in cgroup.subtree_control of the root and every parent.
#include <filesystem>
#include <memory>
#include <string>

#include "runtime/cgroup/cgroup_manager.hpp"

namespace stk::runtime {

std::unique_ptr<CgroupManager> make_v2_cgroup_manager(const std::filesystem::path& root,
                                                      const std::string& parent);

}  // namespace stk::runtime
