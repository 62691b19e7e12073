#include "orchestrator/plan/reconcile.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "orchestrator/graph/graph_walker.hpp"
#include "orchestrator/load/hash.hpp"
#include "runtime/sys/error.hpp"

namespace stk::plan {
namespace {

using supervise::ContainerRecord;

// always / unless-stopped (or deploy's "any") restart a container whatever its exit.
bool restarts_always(const model::Service& service) {
    if (service.deploy && service.deploy->restart_policy &&
        !service.deploy->restart_policy->condition.empty()) {
        return service.deploy->restart_policy->condition == "any";
    }
    return service.restart == "always" || service.restart == "unless-stopped";
}

// A one-shot job that finished well: started again only when its config changes.
bool completed_job(const ContainerRecord& record, const model::Service& service) {
    return record.status == "exited" && record.exit_code == 0 && !record.manually_stopped &&
           !restarts_always(service);
}

std::string stopped_reason(const ContainerRecord& record) {
    if (record.status == "running" || record.status == "restarting") return "process gone";
    if (record.status == "exited" && record.exit_code) {
        return fmt::format("exited ({})", *record.exit_code);
    }
    return record.status;
}

void check_options(const model::Project& project, const UpOptions& options) {
    for (const auto& name : options.services) {
        if (!project.find_service(name)) {
            throw Error(fmt::format("no such service: \"{}\"", name));
        }
    }
    for (const auto& [name, count] : options.scale) {
        if (!project.find_service(name)) {
            throw Error(fmt::format("--scale \"{}={}\": no such service", name, count));
        }
        if (count < 0) {
            throw Error(
                fmt::format("--scale \"{}={}\": the count must not be negative", name, count));
        }
    }
}

class Reconciler {
public:
    Reconciler(const model::Project& project, const UpOptions& options, const Observed& observed)
        : project_(project), options_(options), observed_(observed) {}

    void service_actions(const model::Service& service, Plan& plan) {
        const int replicas = wanted_replicas(service, options_);
        if (replicas > 1 && !service.container_name.empty()) {
            throw Error(fmt::format(
                "service \"{}\": container_name \"{}\" cannot be scaled to {} replicas (a "
                "container name is unique); remove container_name to scale the service",
                service.name, service.container_name, replicas));
        }
        const std::string hash = load::config_hash(service);
        const std::string recreate_cause = dependency_recreated(service);
        for (int index = 1; index <= replicas; ++index) {
            Action a;
            a.service = service.name;
            a.index = index;
            a.container = replica_name(project_.name, service, index);
            a.config_hash = hash;
            decide(a, service, recreate_cause);
            if (a.kind == ActionKind::Recreate) recreated_.insert(service.name);
            plan.actions.push_back(std::move(a));
        }
    }

    // Records of the selected services beyond the wanted replicas, and orphans.
    void removals(Plan& plan, const std::set<std::string>& selected) {
        if (!observed_.state) return;
        std::vector<const ContainerRecord*> records;
        for (const auto& r : observed_.state->containers) records.push_back(&r);
        std::sort(records.begin(), records.end(),
                  [](const auto* a, const auto* b) { return a->name < b->name; });
        std::vector<std::string> orphans;
        for (const auto* r : records) {
            const model::Service* service = project_.find_service(r->service);
            if (!service) {
                if (options_.remove_orphans) {
                    plan.actions.push_back(removal(*r, "orphan"));
                } else {
                    orphans.push_back(r->name);
                }
                continue;
            }
            if (!selected.count(r->service) || wanted_names_.count(r->name)) continue;
            const int replicas = wanted_replicas(*service, options_);
            plan.actions.push_back(removal(*r, r->index > replicas
                                                   ? fmt::format("scale down to {}", replicas)
                                                   : std::string("no longer wanted")));
        }
        if (!orphans.empty()) {
            plan.warnings.push_back(
                fmt::format("orphan containers: {} (use --remove-orphans to remove them)",
                            fmt::join(orphans, ", ")));
        }
    }

private:
    const ContainerRecord* record(const std::string& name) const {
        return observed_.state ? observed_.state->find(name) : nullptr;
    }

    // The first `restart: true` dependency that this plan recreates, or "".
    std::string dependency_recreated(const model::Service& service) const {
        for (const auto& [dep, how] : service.depends_on) {
            if (how.restart && recreated_.count(dep)) return dep;
        }
        return {};
    }

    void decide(Action& a, const model::Service& service, const std::string& recreate_cause) {
        wanted_names_.insert(a.container);
        a.start = !options_.no_start;
        const ContainerRecord* r = record(a.container);
        if (!r) {
            a.kind = ActionKind::Create;
            a.reason = "new";
            return;
        }
        const bool running = observed_.alive.count(a.container) != 0;
        std::string why_recreate;
        if (options_.force_recreate) {
            why_recreate = "--force-recreate";
        } else if (r->config_hash != a.config_hash) {
            why_recreate = "config changed";
        } else if (!recreate_cause.empty()) {
            why_recreate = fmt::format("dependency {} recreated", recreate_cause);
        }
        if (!why_recreate.empty() && !options_.no_recreate) {
            a.kind = ActionKind::Recreate;
            a.reason = why_recreate;
            return;
        }
        const std::string suffix = why_recreate.empty() ? "" : ", --no-recreate";
        if (running) {
            a.kind = ActionKind::Keep;
            a.reason = "running" + suffix;
        } else if (why_recreate.empty() && completed_job(*r, service)) {
            a.kind = ActionKind::Keep;
            a.reason = "completed (exit 0)";
        } else if (options_.no_start) {
            a.kind = ActionKind::Keep;
            a.reason = stopped_reason(*r) + ", --no-start" + suffix;
        } else {
            a.kind = ActionKind::Start;
            a.reason = stopped_reason(*r) + suffix;
        }
    }

    Action removal(const ContainerRecord& r, std::string reason) const {
        Action a;
        a.kind = ActionKind::Remove;
        a.service = r.service;
        a.container = r.name;
        a.index = r.index;
        a.config_hash = r.config_hash;
        a.reason = std::move(reason);
        a.start = false;
        return a;
    }

    const model::Project& project_;
    const UpOptions& options_;
    const Observed& observed_;
    std::set<std::string> recreated_;
    std::set<std::string> wanted_names_;
};

}  // namespace

int wanted_replicas(const model::Service& service, const UpOptions& options) {
    if (auto it = options.scale.find(service.name); it != options.scale.end()) return it->second;
    if (service.scale) return static_cast<int>(*service.scale);
    if (service.deploy && service.deploy->replicas) {
        return static_cast<int>(*service.deploy->replicas);
    }
    return 1;
}

std::string replica_name(const std::string& project, const model::Service& service, int index) {
    if (!service.container_name.empty()) return service.container_name;
    return fmt::format("{}-{}-{}", project, service.name, index);
}

Plan reconcile(const model::Project& project, const graph::DependencyGraph& graph,
               const UpOptions& options, const Observed& observed) {
    check_options(project, options);
    Plan plan;
    plan.project = project.name;
    if (options.services.empty()) {
        plan.graph = graph;
    } else if (options.no_deps) {
        for (const auto& name : options.services) plan.graph.add_node(name);
    } else {
        plan.graph = graph.with_dependencies(options.services);
    }

    Reconciler reconciler(project, options, observed);
    std::set<std::string> selected;
    for (const auto& name : graph::walk_order(plan.graph, graph::Direction::Start)) {
        const model::Service* service = project.find_service(name);
        if (!service) continue;  // an implicit node the project does not define
        selected.insert(name);
        reconciler.service_actions(*service, plan);
    }
    reconciler.removals(plan, selected);
    return plan;
}

}  // namespace stk::plan
