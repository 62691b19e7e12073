#include "orchestrator/supervise/restart/restart_manager.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace stk::supervise {

void RestartManager::manual_start() {
    restart_count_ = 0;
    backoff_ = Duration::zero();
    canceled_ = false;
    manually_stopped_ = false;
}

Duration RestartManager::next_backoff(Duration ran_for) {
    // moby: a run of 10 s or more resets the timeout, whatever the status and policy.
    if (ran_for >= kRestartResetAfter) backoff_ = Duration::zero();
    if (backoff_ == Duration::zero())
        backoff_ = kRestartBackoffStart;
    else if (backoff_ < kRestartBackoffMax)
        backoff_ *= 2;
    backoff_ = std::min(backoff_, kRestartBackoffMax);
    return policy_.delay ? *policy_.delay : backoff_;
}

bool RestartManager::under_attempt_limit() const {
    return policy_.max_attempts == 0 || restart_count_ < policy_.max_attempts;
}

RestartDecision RestartManager::on_exit(int exit_code, Duration ran_for) {
    if (policy_.mode == RestartMode::No) return {false, Duration::zero(), "restart policy is no"};
    if (canceled_) return {false, Duration::zero(), "stopped manually"};
    if (policy_.window && ran_for >= *policy_.window) restart_count_ = 0;
    Duration delay = next_backoff(ran_for);

    bool restart = false;
    std::string reason;
    switch (policy_.mode) {
        case RestartMode::No:
            break;
        case RestartMode::Always:
        case RestartMode::UnlessStopped:
            // An API stop cancels above; max_attempts only comes from deploy.restart_policy.
            restart = under_attempt_limit();
            reason = restart ? "always restarts"
                             : fmt::format("gave up after {} restarts", restart_count_);
            break;
        case RestartMode::OnFailure:
            if (exit_code == 0) {
                reason = "exited with code 0";
            } else if (!under_attempt_limit()) {
                reason = fmt::format("gave up after {} restarts", restart_count_);
            } else {
                restart = true;
                reason = fmt::format("exited with code {}", exit_code);
            }
            break;
    }
    if (!restart) return {false, Duration::zero(), reason};
    ++restart_count_;
    return {true, delay, reason};
}

RestartDecision RestartManager::on_unhealthy(bool restart_on_unhealthy, Duration ran_for) {
    if (!restart_on_unhealthy) return {false, Duration::zero(), "restart_on_unhealthy is not set"};
    if (canceled_) return {false, Duration::zero(), "stopped manually"};
    if (policy_.max_attempts > 0 && restart_count_ >= policy_.max_attempts)
        return {false, Duration::zero(), fmt::format("gave up after {} restarts", restart_count_)};
    Duration delay = next_backoff(ran_for);
    ++restart_count_;
    return {true, delay, "unhealthy"};
}

bool restart_on_supervisor_start(const RestartPolicy& policy, bool manually_stopped,
                                 int last_exit_code) {
    switch (policy.mode) {
        case RestartMode::No:
            return false;
        case RestartMode::Always:
            return true;
        case RestartMode::UnlessStopped:
            return !manually_stopped;
        case RestartMode::OnFailure:
            return last_exit_code != 0;
    }
    return false;
}

}  // namespace stk::supervise
