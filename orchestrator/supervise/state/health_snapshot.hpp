#pragma once
// The health part of a container's state record, taken from its live monitor: probe times
// move from the monotonic clock to Unix nanoseconds for `stack ps` / `inspect`.
#include "orchestrator/supervise/health/health_monitor.hpp"
#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::supervise {

// `steady_now` and `wall_now_ns` are the same instant on both clocks.
HealthRecord health_snapshot(const HealthMonitor& monitor, TimePoint steady_now,
                             int64_t wall_now_ns);

}  // namespace stk::supervise
