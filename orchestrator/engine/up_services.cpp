#include "orchestrator/engine/up_services.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::engine {

std::vector<const model::Service*> up_services(const model::Project& project,
                                               const graph::DependencyGraph& graph,
                                               const std::vector<std::string>& selected,
                                               bool no_deps) {
    std::vector<std::string> names = selected;
    if (names.empty())
        for (const auto& s : project.services) names.push_back(s.name);
    else if (!no_deps)
        names = graph.with_dependencies(selected).nodes();
    std::vector<const model::Service*> out;
    for (const auto& name : names) {
        const model::Service* svc = project.find_service(name);
        if (!svc) throw Error(fmt::format("no such service: \"{}\"", name));
        out.push_back(svc);
    }
    return out;
}

}  // namespace stk::engine
