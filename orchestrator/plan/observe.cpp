#include "orchestrator/plan/observe.hpp"

#include "orchestrator/supervise/state/state_store.hpp"

namespace stk::plan {

std::set<std::string> live_containers(const supervise::ProjectState& state) {
    std::set<std::string> alive;
    const bool supervised =
        state.supervisor_pid > 0 &&
        supervise::process_alive(state.supervisor_pid, state.supervisor_start_time);
    for (const auto& c : state.containers) {
        if (c.pid > 0 && supervise::process_alive(c.pid, c.pid_start_time)) {
            alive.insert(c.name);
        } else if (c.status == "restarting" && supervised) {
            // Between two runs of a restart backoff: the live supervisor brings it back.
            alive.insert(c.name);
        }
    }
    return alive;
}

Observed observe(const std::filesystem::path& run_root, const std::string& project) {
    Observed observed;
    observed.state = supervise::StateStore(run_root, project).load();
    if (observed.state) observed.alive = live_containers(*observed.state);
    return observed;
}

}  // namespace stk::plan
