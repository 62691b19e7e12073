#pragma once
// reconcile(): the file's wish against what runs -> a Plan. PURE: no file, clock or process is
// looked at here; observe() (orchestrator/plan/observe.hpp) gathers the live facts first.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/graph/dependency_graph.hpp"
#include "orchestrator/model/project.hpp"
#include "orchestrator/plan/plan.hpp"
#include "orchestrator/plan/up_options.hpp"
#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::plan {

// What runs now: the state file (nullopt when the project never ran) and which of its
// containers have a live process (checked by observe(), not here).
struct Observed {
    std::optional<supervise::ProjectState> state;
    std::set<std::string> alive;  // container names whose recorded pid is still theirs
};

// The desired project with its dependency graph (load::LoadedProject's project and graph).
// Throws Error for a service named on the command line that does not exist, a --scale of an
// unknown service or a negative count, or a scale above 1 of a service with container_name.
Plan reconcile(const model::Project& project, const graph::DependencyGraph& graph,
               const UpOptions& options, const Observed& observed);

// How many replicas `service` wants: --scale, else `scale`, else deploy.replicas, else 1.
int wanted_replicas(const model::Service& service, const UpOptions& options);

// The container name of replica `index`: container_name, or "<project>-<service>-<index>".
std::string replica_name(const std::string& project, const model::Service& service, int index);

}  // namespace stk::plan
