#pragma once
// The v1 backend, also for hybrid hosts: limits in one directory per v1 controller
// (<mount>/<parent>/<name>); when the layout has a unified tree, membership, cgroup.events,
// cgroup.kill and the CLONE_INTO_CGROUP fd come from <unified>/<parent>/<name> as well.
#include <memory>
#include <string>

#include "runtime/cgroup/cgroup_layout.hpp"
#include "runtime/cgroup/cgroup_manager.hpp"

namespace stk::runtime {

std::unique_ptr<CgroupManager> make_v1_cgroup_manager(const CgroupLayout& layout,
                                                      const std::string& parent);

}  // namespace stk::runtime
