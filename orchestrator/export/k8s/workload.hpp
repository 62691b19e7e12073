#pragma once
// A service's pods: a Deployment when it restarts always / unless-stopped, a Job when it runs
// to completion (restart no -> restartPolicy Never, on-failure[:N] -> OnFailure with
// backoffLimit N), replicas from deploy.replicas / scale.
#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// Decides job/Deployment and the replica count from the service's restart policy.
void classify_workload(ExportContext& ctx, ServiceShape& shape);

// The Deployment or Job, adding the objects it needs (claims, ConfigMaps, Secrets) to ctx.
nlohmann::json workload_object(ExportContext& ctx, const ServiceShape& shape);

}  // namespace stk::k8s
