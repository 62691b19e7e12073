#include "orchestrator/export/k8s/init_wait.hpp"

#include <fmt/format.h>

namespace stk::k8s {
namespace {

nlohmann::json waiter(const std::string& name, const std::string& image, nlohmann::json command) {
    return {{"name", dns1035_label("wait-" + name)},
            {"image", image},
            {"command", std::move(command)},
            {"resources", {{"limits", {{"cpu", "100m"}, {"memory", "32Mi"}}}}}};
}

nlohmann::json shell(const std::string& script) { return {"sh", "-c", script}; }

// Waits until the dependency's Service routes a connection, or for a headless Service until
// its name resolves (it resolves to ready pods only).
nlohmann::json service_wait(ExportContext& ctx, const std::string& me, const std::string& key,
                            const ServiceShape& dep) {
    for (const auto& p : dep.ports) {
        if (p.protocol != "TCP") continue;
        ctx.report.approximated(me, key, fmt::format(
            "an init container waits until {}:{} accepts connections (its readiness probe passed)",
            dep.name, p.port));
        return waiter(dep.name, ctx.options.wait_image, shell(fmt::format(
            "until nc -z -w 2 {0} {1}; do echo waiting for {0}:{1}; sleep 1; done", dep.name, p.port)));
    }
    ctx.report.approximated(me, key, fmt::format(
        "an init container waits until the name {} resolves (a pod of it is ready)", dep.name));
    return waiter(dep.name, ctx.options.wait_image, shell(fmt::format(
        "until nslookup {0} >/dev/null 2>&1; do echo waiting for {0}; sleep 1; done", dep.name)));
}

}  // namespace

nlohmann::json dependency_waits(ExportContext& ctx, const ServiceShape& shape, bool& waits_for_job) {
    nlohmann::json out = nlohmann::json::array();
    const model::Service& s = *shape.service;
    for (const auto& [dep_name, d] : s.depends_on) {
        std::string key = "depends_on." + dep_name;
        auto it = ctx.shapes.find(dep_name);
        if (it == ctx.shapes.end()) {
            ctx.report.dropped(s.name, key, "the dependency is not part of the export");
            continue;
        }
        const ServiceShape& dep = it->second;
        if (d.condition == "service_completed_successfully" && dep.job) {
            ctx.needs_job_reader = waits_for_job = true;
            ctx.report.approximated(s.name, key, fmt::format(
                "an init container waits with kubectl until the Job {} completes", dep.name));
            out.push_back(waiter(dep.name, ctx.options.kubectl_image,
                                 {"kubectl", "wait", "--for=condition=complete", "--timeout=-1s",
                                  "job/" + dep.name}));
        } else {
            if (d.condition == "service_completed_successfully")
                ctx.report.approximated(s.name, key, fmt::format(
                    "{} restarts forever (a Deployment), so it is waited for as started", dep_name));
            out.push_back(service_wait(ctx, s.name, key, dep));
        }
        if (!d.required)
            ctx.report.approximated(s.name, key + ".required", "false: the wait still blocks until it is there");
        if (d.restart)
            ctx.report.dropped(s.name, key + ".restart", "pods are not restarted when a dependency is");
    }
    return out;
}

std::vector<nlohmann::json> job_reader_objects(const ExportContext& ctx) {
    std::string name = ctx.job_reader_name();
    return {
        {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", ctx.metadata(name)}},
        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
         {"kind", "Role"},
         {"metadata", ctx.metadata(name)},
         {"rules", {{{"apiGroups", {"batch"}}, {"resources", {"jobs"}}, {"verbs", {"get", "list", "watch"}}}}}},
        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
         {"kind", "RoleBinding"},
         {"metadata", ctx.metadata(name)},
         {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
         {"subjects", {{{"kind", "ServiceAccount"}, {"name", name}, {"namespace", ctx.namespace_or_default()}}}}},
    };
}

}  // namespace stk::k8s
