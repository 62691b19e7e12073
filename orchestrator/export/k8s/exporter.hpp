#pragma once
// `stack export k8s`: the loader's resolved project -> Kubernetes manifests that behave like
// `stack up` as far as Kubernetes can express it, and the report of what could not be kept.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/options.hpp"
#include "orchestrator/load/loader.hpp"

namespace stk::k8s {

struct Manifests {
    std::vector<nlohmann::json> objects;  // in the order `kubectl apply` should see them
    std::vector<std::string> report;      // "approximated: ..." / "dropped: ..."
};

// Throws Error listing every refusal (bind mounts without --allow-hostpath, services without
// an image, ...), each naming the service and key.
Manifests export_k8s(const load::LoadedProject& loaded, const ExportOptions& options);

}  // namespace stk::k8s
