#include "orchestrator/plan/plan.hpp"

#include <fmt/format.h>

namespace stk::plan {

const char* to_string(ActionKind kind) {
    switch (kind) {
        case ActionKind::Create:
            return "create";
        case ActionKind::Recreate:
            return "recreate";
        case ActionKind::Start:
            return "start";
        case ActionKind::Keep:
            return "keep";
        case ActionKind::Remove:
            return "remove";
    }
    return "?";
}

std::vector<const Action*> Plan::for_service(const std::string& service) const {
    std::vector<const Action*> out;
    for (const auto& a : actions) {
        if (a.service == service) out.push_back(&a);
    }
    return out;
}

bool Plan::unchanged() const {
    for (const auto& a : actions) {
        if (a.kind != ActionKind::Keep) return false;
    }
    return true;
}

std::string Plan::to_string() const {
    std::string out = fmt::format("plan for project \"{}\":\n", project);
    if (actions.empty()) out += "  (no containers)\n";
    for (const auto& a : actions) {
        const bool creates = a.kind == ActionKind::Create || a.kind == ActionKind::Recreate;
        const std::string not_started = creates && !a.start ? ", not started" : "";
        out += fmt::format("  {:<9} {}  ({}{})\n", plan::to_string(a.kind), a.container, a.reason,
                           not_started);
    }
    for (const auto& w : warnings) out += fmt::format("warning: {}\n", w);
    return out;
}

}  // namespace stk::plan
