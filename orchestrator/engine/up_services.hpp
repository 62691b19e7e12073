#pragma once
// Which services `up [SERVICE...]` (and what runs before it: pulls, builds) is about.
#include <string>
#include <vector>

#include "orchestrator/graph/dependency_graph.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::engine {

// Every service when `selected` is empty, else the named ones plus, unless `no_deps`, what they
// depend on. Throws Error "no such service" for an unknown name.
std::vector<const model::Service*> up_services(const model::Project& project,
                                               const graph::DependencyGraph& graph,
                                               const std::vector<std::string>& selected,
                                               bool no_deps);

}  // namespace stk::engine
