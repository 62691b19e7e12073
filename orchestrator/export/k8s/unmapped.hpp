#pragma once
// The service keys the export does not carry over, each reported with the reason.
#include "orchestrator/export/k8s/context.hpp"

namespace stk::k8s {

void report_unmapped(ExportContext& ctx, const ServiceShape& shape);

}  // namespace stk::k8s
