#pragma once
// The Service that makes a stack service's name resolve in the cluster as it does in the stack:
// `ports` (Service port = published port) and `expose`, named when there are several, or a
// headless Service when there is no port at all.
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// The Service's ports, reporting what a ClusterIP Service cannot express (host_ip, ranges,
// ephemeral published ports). Refuses protocols Kubernetes does not know.
std::vector<ServicePort> service_ports(ExportContext& ctx, const model::Service& service);

// The container's `ports`, one per distinct target port, named as the Service names them.
nlohmann::json container_ports(const ServiceShape& shape);

nlohmann::json service_object(const ExportContext& ctx, const ServiceShape& shape);

}  // namespace stk::k8s
