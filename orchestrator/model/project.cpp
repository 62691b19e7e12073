#include "orchestrator/model/project.hpp"

#include <algorithm>

namespace stk::model {

const Service* Project::find_service(const std::string& name) const {
    auto it = std::lower_bound(services.begin(), services.end(), name,
                               [](const Service& s, const std::string& n) { return s.name < n; });
    return it != services.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> Project::restart_followers(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& svc : services)
        if (auto it = svc.depends_on.find(name); it != svc.depends_on.end() && it->second.restart)
            out.push_back(svc.name);
    return out;
}

}  // namespace stk::model
