#include "orchestrator/supervise/health/health_monitor.hpp"

#include <algorithm>

#include "runtime/sys/error.hpp"

namespace stk::supervise {

std::string_view to_string(HealthStatus status) {
    switch (status) {
        case HealthStatus::Starting:
            return "starting";
        case HealthStatus::Healthy:
            return "healthy";
        case HealthStatus::Unhealthy:
            return "unhealthy";
    }
    return "unknown";
}

HealthStatus health_status_from_string(std::string_view text) {
    if (text == "starting") return HealthStatus::Starting;
    if (text == "healthy") return HealthStatus::Healthy;
    if (text == "unhealthy") return HealthStatus::Unhealthy;
    throw Error(fmt::format("unknown health status \"{}\"", text));
}

HealthConfig with_docker_defaults(HealthConfig config) {
    HealthConfig defaults;
    if (config.interval <= Duration::zero()) config.interval = defaults.interval;
    if (config.timeout <= Duration::zero()) config.timeout = defaults.timeout;
    if (config.start_interval <= Duration::zero()) config.start_interval = defaults.start_interval;
    if (config.start_period < Duration::zero()) config.start_period = Duration::zero();
    if (config.retries <= 0) config.retries = defaults.retries;
    return config;
}

HealthMonitor::HealthMonitor(const HealthConfig& config, TimePoint started)
    : config_(with_docker_defaults(config)) {
    if (!config_.enabled()) throw Error("health monitor: the healthcheck is disabled");
    reset(started);
}

void HealthMonitor::reset(TimePoint started) {
    started_ = started;
    status_ = HealthStatus::Starting;
    failing_streak_ = 0;
    next_docker_tick_ = started + docker_delay(started);
    if (config_.fast_probes) {
        next_probe_ = started;
        fast_delay_ = std::min<Duration>(kFastProbeFirstDelay, fast_cap());
    } else {
        next_probe_ = next_docker_tick_;
    }
}

Duration HealthMonitor::docker_delay(TimePoint at) const {
    Duration since = at - started_;
    if (since >= config_.start_period) return config_.interval;
    Duration remaining = config_.start_period - since;
    if (remaining < config_.interval) return remaining;
    if (status_ == HealthStatus::Starting) return config_.start_interval;
    return config_.interval;
}

Duration HealthMonitor::fast_cap() const {
    return config_.start_period > Duration::zero() ? config_.start_interval : config_.interval;
}

bool HealthMonitor::record(ProbeResult result) {
    result.output = truncate_probe_output(result.output);
    const HealthStatus before = status_;
    const bool fast = in_fast_phase();
    const bool docker_observed = !fast || result.start >= next_docker_tick_;

    if (result.ok()) {
        failing_streak_ = 0;
        status_ = HealthStatus::Healthy;
    } else if (docker_observed) {
        // docker's own rule: a failure while starting and inside start_period is not counted.
        const bool in_start_period =
            status_ == HealthStatus::Starting && result.start - started_ < config_.start_period;
        if (!in_start_period && ++failing_streak_ >= config_.retries)
            status_ = HealthStatus::Unhealthy;
    }

    const TimePoint end = result.end;
    if (log_.size() >= kHealthLogSize) log_.pop_front();
    log_.push_back(std::move(result));

    // docker computes the next delay after handling the result, so with the new status.
    if (docker_observed || status_ != HealthStatus::Starting)
        next_docker_tick_ = end + docker_delay(end);
    if (in_fast_phase()) {
        next_probe_ = std::min(end + fast_delay_, next_docker_tick_);
        fast_delay_ = std::min(fast_delay_ * 2, fast_cap());
    } else {
        next_probe_ = next_docker_tick_;
    }

    if (status_ == before) return false;
    if (on_transition_) on_transition_(before, status_, log_.back());
    return true;
}

}  // namespace stk::supervise
