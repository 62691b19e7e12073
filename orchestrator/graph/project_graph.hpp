#pragma once
// The dependency graph of a project's services: depends_on, plus the implicit dependencies of
// links, network_mode/pid/ipc "service:x" and volumes_from.
#include "orchestrator/graph/dependency_graph.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::graph {

DependencyGraph build_project_graph(const model::Project& project);

}  // namespace stk::graph
