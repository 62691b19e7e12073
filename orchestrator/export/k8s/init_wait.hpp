#pragma once
// `depends_on` -> init containers that hold a pod back until its dependencies are there:
// service_started / service_healthy wait until the dependency's Service answers (a Service
// only routes to pods whose readiness probe passed, so "answers" means "healthy" when the
// dependency has a healthcheck); service_completed_successfully waits for its Job to complete
// (kubectl wait, with a ServiceAccount allowed to read Jobs).
#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

// The init containers of `shape`'s pod, in dependency-name order; empty array when none.
// `waits_for_job`: one of them needs the Job-reading ServiceAccount.
nlohmann::json dependency_waits(ExportContext& ctx, const ServiceShape& shape, bool& waits_for_job);

// ServiceAccount, Role and RoleBinding that let the Job waits read Jobs.
std::vector<nlohmann::json> job_reader_objects(const ExportContext& ctx);

}  // namespace stk::k8s
