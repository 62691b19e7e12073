#pragma once
// A private parent cgroup per test process on the real /sys/fs/cgroup: every cgroup made through
// it is destroyed, the parent removed, and the test fails if any hierarchy still holds a
// directory named after the parent. By default the manager is the one this machine gets
// (make_cgroup_manager); a test may pass another (the v2 backend on the unified mount).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cgroup/cgroup_manager.hpp"

namespace stk::testing {

inline const std::filesystem::path kCgroupRoot = "/sys/fs/cgroup";

inline std::string unique_cgroup_name() {
    static int counter = 0;
    return "stk-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

class CgroupSandbox {
public:
    using MakeManager =
        std::function<std::unique_ptr<runtime::CgroupManager>(const std::string& parent)>;

    explicit CgroupSandbox(const MakeManager& make = {})
        : parent_("stk-test-" + std::to_string(::getpid())) {
        ::setenv("STACK_CGROUP_PARENT", parent_.c_str(), 1);
        manager_ = make ? make(parent_) : runtime::make_cgroup_manager(kCgroupRoot);
    }
    ~CgroupSandbox() {
        for (auto& cg : cgroups_) {
            try {
                cg->destroy();
            } catch (const std::exception& e) {
                WARN("cleanup: " << e.what());
            }
        }
        manager_->remove_parent_if_empty();
        for (const auto& dir : leftovers()) FAIL_CHECK("left behind: " << dir);
    }
    CgroupSandbox(const CgroupSandbox&) = delete;
    CgroupSandbox& operator=(const CgroupSandbox&) = delete;

    runtime::Cgroup& create(const std::string& name = unique_cgroup_name()) {
        cgroups_.push_back(manager_->create(name));
        return *cgroups_.back();
    }
    runtime::CgroupManager& manager() { return *manager_; }
    // Hierarchy directories still carrying our parent's name.
    std::vector<std::filesystem::path> leftovers() const {
        std::vector<std::filesystem::path> out;
        for (const auto& h : std::filesystem::directory_iterator(kCgroupRoot))
            if (std::filesystem::exists(h.path() / parent_)) out.push_back(h.path() / parent_);
        return out;
    }
    const std::string& parent() const { return parent_; }

private:
    std::string parent_;
    std::unique_ptr<runtime::CgroupManager> manager_;
    std::vector<std::unique_ptr<runtime::Cgroup>> cgroups_;
};

}  // namespace stk::testing
