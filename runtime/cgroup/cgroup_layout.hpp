#pragma once
// Which cgroup hierarchies exist under a root such as /sys/fs/cgroup. Decided once, by
// make_cgroup_manager().
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace stk::runtime {

struct CgroupLayout {
    enum class Mode { V2, V1, Hybrid };
    Mode mode = Mode::V1;
    std::optional<std::filesystem::path> unified;     // the v2 tree (V2, Hybrid)
    std::map<std::string, std::filesystem::path> v1;  // controller -> hierarchy mount (V1, Hybrid)
};

// statfs(root) == CGROUP2_SUPER_MAGIC, or a `cgroup.controllers` file at the top: V2.
// Otherwise the v1 hierarchies mounted right under root, from /proc/self/mountinfo; when there
// are none (a test directory), every subdirectory named after controllers ("memory",
// "cpu,cpuacct"). A cgroup2 mount or a directory with cgroup.procs at root/unified: Hybrid.
CgroupLayout detect_cgroup_layout(const std::filesystem::path& root);

}  // namespace stk::runtime
