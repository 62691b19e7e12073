#include "runtime/container_freeze.hpp"

#include <fmt/format.h>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/container.hpp"
#include "runtime/state/state_store.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {

void set_container_paused(const std::string& name, bool paused) {
    with_context(fmt::format("{} container \"{}\"", paused ? "pause" : "unpause", name), [&] {
        ContainerState s = inspect(name);
        if (s.status == Status::Exited) throw Error("it is not running");
        if ((s.status == Status::Paused) == paused) return;
        make_cgroup_manager()->open(s.cgroup)->freeze(paused);
        s.status = paused ? Status::Paused : Status::Running;
        write_state(s);
    });
}

}  // namespace stk::runtime
