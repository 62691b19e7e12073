#pragma once
// `environment` -> the container's `env`; the variables that came from `env_file` -> a ConfigMap
// "<service>-env" read through `envFrom` (Kubernetes lets `env` win over `envFrom`, as
// `environment` wins over `env_file` in compose).
#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// Sets `env` and `envFrom` on `container`, adding the ConfigMap to ctx.objects.
void add_environment(ExportContext& ctx, const ServiceShape& shape, nlohmann::json& container);

}  // namespace stk::k8s
