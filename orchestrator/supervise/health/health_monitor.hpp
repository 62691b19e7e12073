#pragma once
// The docker healthcheck state machine (moby daemon/health.go, compose-semantics.md §2.4) with
// issue #9's fast phase. Pure logic: the caller runs the probes and passes every time in.
//
// Docker's schedule ("docker ticks"): the delay is computed after each probe, from its end:
//   time since start >= start_period          -> interval
//   remaining start period < interval         -> the remaining start period
//   status starting                           -> start_interval
//   otherwise                                 -> interval
// and the first probe runs one such delay after the container starts.
//
// Fast phase (fast_probes, while `starting`): probe at once, then 10, 20, 40 ms ... after each
// probe's end, capped at start_interval (or interval when start_period is 0), and never later
// than the next docker tick. A success counts at once (one success -> healthy, as in docker).
// A failure is *counted* only when it is the first result whose probe started at or after the
// next docker tick; docker's own rule then applies to it (inside start_period: no streak), and
// the next docker tick is computed from that result's end. Uncounted failures are kept in the
// log but never touch the streak. So every counted failure is one docker would have observed
// at the same point of its schedule, and a container never turns unhealthy sooner than under
// docker's schedule (interval * retries after start with start_period 0).
//
// Once healthy (or unhealthy) probes follow docker's schedule exactly.
#include <cstddef>
#include <deque>
#include <functional>
#include <string_view>

#include "orchestrator/supervise/clock.hpp"
#include "orchestrator/supervise/health/health_config.hpp"
#include "orchestrator/supervise/health/probe_result.hpp"

namespace stk::supervise {

enum class HealthStatus { Starting, Healthy, Unhealthy };

std::string_view to_string(HealthStatus status);
HealthStatus health_status_from_string(std::string_view text);  // throws Error

inline constexpr size_t kHealthLogSize = 5;  // moby maxLogEntries
inline constexpr Duration kFastProbeFirstDelay = std::chrono::milliseconds(10);

class HealthMonitor {
public:
    using Transition =
        std::function<void(HealthStatus from, HealthStatus to, const ProbeResult& cause)>;

    // `config` must be enabled(); zero durations take docker's defaults.
    HealthMonitor(const HealthConfig& config, TimePoint started);

    // Every (re)start of the container: back to `starting`, streak 0; the log is kept.
    void reset(TimePoint started);

    // When the next probe should start. Valid after construction and after each record().
    TimePoint next_probe_at() const { return next_probe_; }
    Duration probe_timeout() const { return config_.timeout; }

    // Feeds one finished probe (its start and end are in the result). Returns true when the
    // status changed, after calling the transition listener.
    bool record(ProbeResult result);

    void on_transition(Transition fn) { on_transition_ = std::move(fn); }

    HealthStatus status() const { return status_; }
    int failing_streak() const { return failing_streak_; }
    const std::deque<ProbeResult>& log() const { return log_; }
    const HealthConfig& config() const { return config_; }
    bool in_fast_phase() const { return config_.fast_probes && status_ == HealthStatus::Starting; }

private:
    Duration docker_delay(TimePoint at) const;
    Duration fast_cap() const;

    HealthConfig config_;
    TimePoint started_;
    HealthStatus status_ = HealthStatus::Starting;
    int failing_streak_ = 0;
    std::deque<ProbeResult> log_;
    Transition on_transition_;
    TimePoint next_probe_;
    TimePoint next_docker_tick_;
    Duration fast_delay_ = Duration::zero();  // delay after the next fast probe
};

}  // namespace stk::supervise
