#pragma once
// `networks` -> NetworkPolicies (only with --network-policies): per stack network one policy
// that lets its member pods reach each other, and per service with published ports one that
// lets anyone reach those ports, as the host's port did. A pod selected by any policy accepts
// only what some policy allows, so a pod reaches another exactly when they share a network.
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

std::vector<nlohmann::json> network_policies(ExportContext& ctx);

}  // namespace stk::k8s
