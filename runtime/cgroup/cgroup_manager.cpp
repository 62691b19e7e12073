#include "runtime/cgroup/cgroup_manager.hpp"

#include <unistd.h>

#include "runtime/cgroup/cgroup_layout.hpp"
#include "runtime/cgroup/cgroup_v1.hpp"
#include "runtime/cgroup/cgroup_v2.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::runtime {

Cgroup::~Cgroup() = default;
CgroupManager::~CgroupManager() = default;

int join_self(const int* fds, size_t count) noexcept {
    int rc = 0;
    for (size_t i = 0; i < count; ++i) {
        if (rc == 0 && ::write(fds[i], "0", 1) != 1) rc = -1;
        int saved = errno;
        ::close(fds[i]);
        errno = saved;
    }
    return rc;
}

CgroupGuard::~CgroupGuard() {
    if (!cgroup_) return;
    try {
        cgroup_->destroy();
    } catch (const std::exception& e) {
        spdlog::warn("undo cgroup \"{}\": {}", cgroup_->name(), e.what());
    }
}

std::unique_ptr<CgroupManager> make_cgroup_manager(const std::filesystem::path& root) {
    return with_context("set up cgroups", [&]() -> std::unique_ptr<CgroupManager> {
        const std::string parent = cgroup_parent();
        if (parent.empty() || parent.front() == '/' || parent.find("..") != std::string::npos)
            throw Error(fmt::format("invalid cgroup parent \"{}\"", parent));
        CgroupLayout layout = detect_cgroup_layout(root);
        if (layout.mode == CgroupLayout::Mode::V2)
            return make_v2_cgroup_manager(*layout.unified, parent);
        return make_v1_cgroup_manager(layout, parent);
    });
}

}  // namespace stk::runtime
