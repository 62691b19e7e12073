#pragma once
// The service's own container: image, command/entrypoint, working_dir, env, ports, probes,
// resources and security context (user, capabilities, read_only, privileged).
#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

nlohmann::json main_container(ExportContext& ctx, const ServiceShape& shape);

// group_add and sysctls: what of the security context belongs to the pod; null when nothing.
nlohmann::json pod_security_context(ExportContext& ctx, const model::Service& service);

}  // namespace stk::k8s
