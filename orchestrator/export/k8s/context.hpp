#pragma once
// What every part of the export shares: the loaded stack, the options, the names given, the
// report, the refusals collected so far and the objects made. ServiceShape is what the first
// pass decides about each service before any object is built, so that every reference to a
// service (selectors, init-container waits, network policies) uses the same facts.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/engine/stack_extension.hpp"
#include "orchestrator/export/k8s/naming.hpp"
#include "orchestrator/export/k8s/options.hpp"
#include "orchestrator/export/k8s/report.hpp"
#include "orchestrator/load/resolve.hpp"
#include "orchestrator/model/project.hpp"
#include "orchestrator/supervise/restart/restart_policy.hpp"

namespace stk::k8s {

struct ServicePort {
    std::string name;  // "" when the Service has a single port
    uint32_t port = 0;    // the Service's port: the published one, else the container's
    uint32_t target = 0;  // the container's port
    std::string protocol = "TCP";
    bool published = false;
};

struct ServiceShape {
    const model::Service* service = nullptr;
    std::string name;  // of the Service, the workload, its pods' container and their label
    engine::StackExtension x;
    supervise::RestartPolicy restart;
    bool job = false;  // restart no / on-failure: runs to completion
    int replicas = 1;
    std::vector<ServicePort> ports;  // empty: a headless Service
};

inline constexpr const char* kNameLabel = "app.kubernetes.io/name";
inline constexpr const char* kPartOfLabel = "app.kubernetes.io/part-of";

struct ExportContext {
    ExportContext(const model::Project& p, const load::ResolvedTree& t, const ExportOptions& o)
        : project(p), tree(t), options(o) {}

    const model::Project& project;
    const load::ResolvedTree& tree;
    const ExportOptions& options;
    NameTable names;
    Report report;
    std::vector<std::string> refusals;
    std::map<std::string, ServiceShape> shapes;  // by stack service name
    std::vector<nlohmann::json> objects;
    bool needs_job_reader = false;  // some init container waits for a Job with kubectl
    std::set<std::string> made;     // "Kind/name" of the shared objects made so far
    std::map<std::string, std::set<std::string>> claim_users;  // claim -> services mounting it

    // True the first time `key` is seen: the caller makes the object then.
    bool first_use(const std::string& key) { return made.insert(key).second; }

    // A service key the cluster cannot take; export fails listing every refusal.
    void refuse(const std::string& service, const std::string& key, const std::string& why);
    // The labels that select a service's pods.
    nlohmann::json selector_labels(const ServiceShape& shape) const;
    // `metadata` of an object: name and the project's labels (plus the service's when given).
    nlohmann::json metadata(const std::string& name, const ServiceShape* shape = nullptr) const;
    // The ServiceAccount that may read Jobs, for waits on service_completed_successfully.
    std::string job_reader_name() const;
    // --namespace, or "default" where a reference must name one (a RoleBinding's subject).
    std::string namespace_or_default() const;
};

// Kubernetes expands $(VAR) and reads $$ as $ in env values, command and args: a '$' before
// '(' or '$' is doubled so the text arrives as written.
std::string escape_var_refs(const std::string& text);

}  // namespace stk::k8s
