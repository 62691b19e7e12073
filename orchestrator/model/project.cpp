#include "orchestrator/model/project.hpp"

#include <algorithm>

namespace stk::model {

const Service* Project::find_service(const std::string& name) const {
    auto it = std::lower_bound(services.begin(), services.end(), name,
                               [](const Service& s, const std::string& n) { return s.name < n; });
    return it != services.end() && it->name == name ? &*it : nullptr;
}

}  // namespace stk::model
