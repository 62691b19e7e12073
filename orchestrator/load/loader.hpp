#pragma once
// Loading a stack file, whole: resolve (files, interpolation, merge, extends, include,
// profiles) -> decode (typed model, normalised, validated) -> dependency graph (cycles).
#include <vector>

#include "orchestrator/graph/dependency_graph.hpp"
#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"
#include "orchestrator/load/resolve.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::load {

struct LoadedProject {
    model::Project project;
    ResolvedTree tree;
    graph::DependencyGraph graph;
    std::vector<Diagnostic> warnings;
    // Every file whose content decides this project, absolute, no duplicates: the stack files,
    // included and extended files, the .env or --env-file files, every service's env_file and
    // label_file, and the project's .env when it is absent (saving one later changes the
    // project). What `stack watch` watches.
    std::vector<std::filesystem::path> inputs;
};

// Throws LoadError carrying every error found (file:line:col, field, what to change).
LoadedProject load_project(const LoadOptions& options);

// Rejects dependency cycles with the cycle printed as "a -> b -> a", located at the first
// service's depends_on (or the key that made the edge).
void check_cycles(const graph::DependencyGraph& graph, const Node& root, Diagnostics& diags);

}  // namespace stk::load
