#pragma once
// The part of `up`'s options that orchestrator/plan decides with (dry runs, watch plans).
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/plan/reconcile.hpp"

namespace stk::engine {

inline plan::UpOptions plan_options(const UpOptions& up) {
    plan::UpOptions po;
    po.services = up.services;
    po.scale = up.scale;
    po.no_recreate = up.no_recreate;
    po.force_recreate = up.force_recreate;
    po.no_deps = up.no_deps;
    po.no_start = up.no_start;
    po.remove_orphans = up.remove_orphans;
    return po;
}

}  // namespace stk::engine
