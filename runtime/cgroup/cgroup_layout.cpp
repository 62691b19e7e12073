#include "runtime/cgroup/cgroup_layout.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kControllers = {
    "blkio",  "cpu",  "cpuacct", "cpuset",   "devices",    "freezer", "hugetlb",
    "memory", "misc", "net_cls", "net_prio", "perf_event", "pids",    "rdma"};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, sep)) out.push_back(item);
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct CgroupMount {
    fs::path point;
    std::string fstype;
    std::string super_options;
};

std::vector<CgroupMount> cgroup_mounts() {
    std::vector<CgroupMount> mounts;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto left = split(line.substr(0, dash), ' ');
        auto right = split(line.substr(dash + 3), ' ');
        if (left.size() < 5 || right.size() < 3) continue;
        if (right[0] != "cgroup" && right[0] != "cgroup2") continue;
        mounts.push_back({unescape(left[4]), right[0], right[2]});
    }
    return mounts;
}

bool is_fs(const fs::path& p, long magic) {
    struct statfs st {};
    return ::statfs(p.c_str(), &st) == 0 && static_cast<long>(st.f_type) == magic;
}

void add_controllers(CgroupLayout& layout, const std::string& list, const fs::path& dir) {
    for (const auto& c : split(list, ',')) {
        if (kControllers.count(c) && !layout.v1.count(c)) layout.v1[c] = dir;
    }
}

}  // namespace

CgroupLayout detect_cgroup_layout(const fs::path& root_in) {
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(root_in, ec);
    if (ec || !fs::is_directory(root))
        throw Error(fmt::format("detect cgroups: \"{}\" is not a directory", root_in.string()));
    CgroupLayout layout;
    if (is_fs(root, CGROUP2_SUPER_MAGIC) || fs::exists(root / "cgroup.controllers")) {
        layout.mode = CgroupLayout::Mode::V2;
        layout.unified = root;
        return layout;
    }
    for (const auto& m : cgroup_mounts()) {
        if (m.point.parent_path() != root) continue;
        if (m.fstype == "cgroup2" && m.point.filename() == "unified") layout.unified = m.point;
        if (m.fstype == "cgroup") add_controllers(layout, m.super_options, m.point);
    }
    if (layout.v1.empty() && !is_fs(root, CGROUP_SUPER_MAGIC)) {
        // A directory shaped like /sys/fs/cgroup (tests): controllers from directory names.
        for (const auto& entry : fs::directory_iterator(root)) {
            if (entry.is_symlink() || !entry.is_directory()) continue;
            const auto name = entry.path().filename().string();
            if (name == "unified" && fs::exists(entry.path() / "cgroup.procs"))
                layout.unified = entry.path();
            else
                add_controllers(layout, name, entry.path());
        }
    }
    if (layout.v1.empty())
        throw Error(
            fmt::format("detect cgroups under \"{}\": no cgroup hierarchy found", root.string()));
    layout.mode = layout.unified ? CgroupLayout::Mode::Hybrid : CgroupLayout::Mode::V1;
    return layout;
}

}  // namespace stk::runtime
