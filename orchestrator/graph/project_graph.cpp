#include "orchestrator/graph/project_graph.hpp"

namespace stk::graph {
namespace {

// "service:db" -> "db"; anything else (host, none, container:x, bridge) -> "".
std::string service_reference(const std::string& value) {
    static const std::string prefix = "service:";
    return value.rfind(prefix, 0) == 0 ? value.substr(prefix.size()) : std::string();
}

}  // namespace

DependencyGraph build_project_graph(const model::Project& project) {
    DependencyGraph g;
    for (const auto& s : project.services) {
        g.add_node(s.name);
        for (const auto& [dep, d] : s.depends_on) g.add_edge(s.name, {dep, "depends_on", d.required});
        for (const auto& link : s.links) g.add_edge(s.name, {link.substr(0, link.find(':')), "links", true});
        for (const auto& [kind, value] : {std::pair<const char*, const std::string*>{"network_mode", &s.network_mode},
                                          {"pid", &s.pid},
                                          {"ipc", &s.ipc}}) {
            std::string ref = service_reference(*value);
            if (!ref.empty()) g.add_edge(s.name, {ref, kind, true});
        }
        for (const auto& from : s.volumes_from) {
            if (from.rfind("container:", 0) == 0) continue;
            g.add_edge(s.name, {from.substr(0, from.find(':')), "volumes_from", true});
        }
    }
    return g;
}

}  // namespace stk::graph
