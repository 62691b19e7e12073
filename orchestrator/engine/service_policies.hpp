#pragma once
// What the supervisor derives from a service besides its container spec: the healthcheck it
// runs, the restart policy it applies and how many replicas it keeps.
#include <map>
#include <string>

#include "orchestrator/engine/stack_extension.hpp"
#include "orchestrator/model/service.hpp"
#include "orchestrator/supervise/health/health_config.hpp"
#include "orchestrator/supervise/restart/restart_policy.hpp"

namespace stk::engine {

// `healthcheck` (CMD, CMD-SHELL, NONE, disable) or x-stack's native probe (which wins), with
// x-stack.fast_probes. A disabled or absent check has test.kind None. Without an image there
// is no inherited check: `Inherit` (no `test`) means none.
supervise::HealthConfig health_config_of(const model::Service& service, const StackExtension& x);

// `restart:` or, when set, `deploy.restart_policy` (compose prefers deploy); throws Error.
supervise::RestartPolicy restart_policy_of(const model::Service& service);

// --scale svc=N, else deploy.replicas, else scale, else 1.
int replicas_of(const model::Service& service, const std::map<std::string, int>& scale);

}  // namespace stk::engine
