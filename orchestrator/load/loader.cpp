#include "orchestrator/load/loader.hpp"

#include <algorithm>

#include "orchestrator/graph/project_graph.hpp"
#include "orchestrator/load/decode.hpp"

namespace stk::load {
namespace {

// Where the edge from `from` to `to` was written: the depends_on (or links, ...) entry.
Location edge_location(const Node& root, const std::string& from, const std::string& kind) {
    const Node* services = root.find("services");
    const Node* svc = services ? services->find(from) : nullptr;
    if (!svc) return {};
    if (const MapEntry* e = svc->find_entry(kind)) return e->key_loc;
    return svc->loc;
}

}  // namespace

void check_cycles(const graph::DependencyGraph& graph, const Node& root, Diagnostics& diags) {
    auto cycle = graph.find_cycle();
    if (!cycle) return;
    const std::string& from = (*cycle)[0];
    const std::string& to = (*cycle)[1];
    std::string kind = "depends_on";
    for (const auto& d : graph.dependencies(from))
        if (d.service == to) kind = d.kind;
    diags.error(edge_location(root, from, kind), "services." + from + "." + kind,
                "dependency cycle: " + graph::format_cycle(*cycle),
                "remove one of these dependencies");
}

LoadedProject load_project(const LoadOptions& options) {
    Diagnostics diags;
    LoadedProject out;
    out.tree = resolve_tree(options, diags);
    std::vector<std::filesystem::path> named;
    out.project = decode_project(out.tree, diags, &named);
    out.graph = graph::build_project_graph(out.project);
    check_cycles(out.graph, out.tree.root, diags);
    diags.throw_if_errors();
    out.warnings = diags.warnings();
    out.inputs = out.tree.watched;
    if (options.env_files.empty()) named.push_back(out.tree.project_dir / ".env");
    for (auto& p : named) {
        p = p.lexically_normal();
        if (std::find(out.inputs.begin(), out.inputs.end(), p) == out.inputs.end())
            out.inputs.push_back(std::move(p));
    }
    return out;
}

}  // namespace stk::load
