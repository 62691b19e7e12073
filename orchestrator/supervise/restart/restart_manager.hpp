#pragma once
// moby's restart manager (restartmanager/restartmanager.go, compose-semantics.md §2.5) for one
// container. Pure: the caller reports exits with how long the run lasted and acts on the
// returned decision (arm a timer for `delay`, then start the container again).
//
//   backoff: 100 ms, doubling on every exit, capped at 1 min; a run of >= 10 s resets it
//   no: never; always: always; unless-stopped: unless manually stopped;
//   on-failure[:N]: on a non-zero exit while restart_count < N (N = 0: no limit)
//   a manual stop/kill cancels a pending restart and any later one, until a manual start.
#include <string>

#include "orchestrator/supervise/clock.hpp"
#include "orchestrator/supervise/restart/restart_policy.hpp"

namespace stk::supervise {

inline constexpr Duration kRestartBackoffStart = std::chrono::milliseconds(100);
inline constexpr Duration kRestartBackoffMax = std::chrono::minutes(1);
inline constexpr Duration kRestartResetAfter = std::chrono::seconds(10);

struct RestartDecision {
    bool restart = false;
    Duration delay = Duration::zero();
    std::string reason;  // why not, or why: for logs and `stack ps`
};

class RestartManager {
public:
    explicit RestartManager(RestartPolicy policy) : policy_(std::move(policy)) {}

    // The container exited by itself (not through stop/kill) after running for `ran_for`.
    RestartDecision on_exit(int exit_code, Duration ran_for);

    // x-stack restart_on_unhealthy: the container went unhealthy while running. Returns
    // whether to kill and start it again (with the same backoff and count as a crash restart);
    // the exit caused by that kill must not be fed to on_exit.
    RestartDecision on_unhealthy(bool restart_on_unhealthy, Duration ran_for);

    // `stack stop` / `kill`: cancels restarts until the next manual start.
    void manual_stop() {
        canceled_ = true;
        manually_stopped_ = true;
    }
    // `stack start` / `up`: a fresh manager (ResetRestartManager(true)).
    void manual_start();

    int restart_count() const { return restart_count_; }
    bool canceled() const { return canceled_; }
    bool manually_stopped() const { return manually_stopped_; }
    const RestartPolicy& policy() const { return policy_; }
    // The backoff the last decision computed (zero before any exit).
    Duration current_backoff() const { return backoff_; }

private:
    Duration next_backoff(Duration ran_for);
    bool under_attempt_limit() const;

    RestartPolicy policy_;
    int restart_count_ = 0;
    Duration backoff_ = Duration::zero();
    bool canceled_ = false;
    bool manually_stopped_ = false;
};

// The daemon (here: supervisor) starting up again and finding a container that is not running:
// whether to bring it back (always; unless-stopped unless manually stopped; on-failure after a
// non-zero exit).
bool restart_on_supervisor_start(const RestartPolicy& policy, bool manually_stopped,
                                 int last_exit_code);

}  // namespace stk::supervise
