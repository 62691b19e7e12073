#pragma once
// A service's `secrets` and `configs` -> a Secret / ConfigMap per top-level secret or config
// (made once, from its file, environment variable or inline content) mounted as a file at the
// target compose would use (/run/secrets/<name>, /<name>).
#include "orchestrator/export/k8s/context.hpp"
#include "orchestrator/export/k8s/pod_volumes.hpp"

namespace stk::k8s {

void add_secrets_and_configs(ExportContext& ctx, const ServiceShape& shape, PodVolumes& pod);

}  // namespace stk::k8s
