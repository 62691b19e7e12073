#include "orchestrator/supervise/state/health_snapshot.hpp"

namespace stk::supervise {

HealthRecord health_snapshot(const HealthMonitor& monitor, TimePoint steady_now,
                             int64_t wall_now_ns) {
    auto wall = [&](TimePoint t) {
        return wall_now_ns -
               std::chrono::duration_cast<std::chrono::nanoseconds>(steady_now - t).count();
    };
    HealthRecord record;
    record.status = std::string(to_string(monitor.status()));
    record.failing_streak = monitor.failing_streak();
    for (const auto& r : monitor.log())
        record.log.push_back({wall(r.start), wall(r.end), r.exit_code, r.output});
    return record;
}

}  // namespace stk::supervise
