#pragma once
// `healthcheck` (or x-stack's native tcp/http probe) -> readiness and liveness probes with the
// same period, timeout and failure threshold, and a startupProbe covering `start_period`.
#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// Sets readinessProbe, livenessProbe and startupProbe on `container` when the service has a
// check; reports what differs from docker's health state machine.
void add_probes(ExportContext& ctx, const ServiceShape& shape, nlohmann::json& container);

}  // namespace stk::k8s
