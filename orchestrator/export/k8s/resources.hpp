#pragma once
// `deploy.resources` and the service-level `cpus`, `mem_limit`, `mem_reservation` -> a
// container's resource limits and requests (`cpus: 0.5` -> `500m`, bytes -> `64Mi`).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// Millicores: "500m", or whole cores "2"; "" when it rounds to nothing.
std::string cpu_quantity(double cpus);
// The largest binary unit that divides the size: "64Mi", "1Gi", else plain bytes.
std::string memory_quantity(int64_t bytes);

// `resources` of the container; null when the service sets nothing.
nlohmann::json container_resources(ExportContext& ctx, const model::Service& service);

}  // namespace stk::k8s
