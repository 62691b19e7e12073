// `stack start` when no supervisor runs (SupervisorOptions::resume): the containers the state
// on disk records come back under a new supervisor instead of being torn down. None of them
// may still run (a supervisor cannot collect the exit of a process it did not create); each
// is created again from the file under its own name when it starts, keeping its log and its
// anonymous volumes. Those of the services `start` does not select stay known and stopped.
#include <fmt/format.h>

#include "orchestrator/engine/supervisor_impl.hpp"
#include "runtime/sys/error.hpp"

namespace stk::engine {

void Supervisor::Impl::resume_from(const supervise::ProjectState& old) {
    std::string running;
    for (const auto& c : old.containers) {
        auto live = runtime::find_container(c.name);
        if (live && live->status != runtime::Status::Exited)
            running += (running.empty() ? "" : ", ") + c.name;
    }
    if (!running.empty())
        throw Error(fmt::format(
            "container(s) {} still run without a supervisor: run `stack stop` (or `stack "
            "restart`) to bring them back under one, or `stack up -d` to replace them",
            running));
    resumed = old.containers;
}

void Supervisor::Impl::add_dormant() {
    for (const auto& r : resumed) {
        // What its last run left: the runtime's record and the network namespace.
        runtime::reset_container(r.name);
        for (const auto& ns : r.netns)
            if (net::NetNamespace::exists(ns)) net::NetNamespace::open(ns).destroy();
        auto it = services.find(r.service);
        if (walk_graph.has_node(r.service) || it == services.end()) continue;
        Instance& in = new_instance(*it->second, r.index);
        in.status = "exited";
        in.exit_code = r.exit_code;
        in.started_at = r.started_at;
        in.finished_at = r.finished_at;
        in.stopping = true;
        in.restart->manual_stop();
    }
}

}  // namespace stk::engine
