#pragma once
// Restart policies as the engine knows them, and how compose's two spellings map onto them:
// `restart: no | always | on-failure[:N] | unless-stopped` and `deploy.restart_policy`.
#include <optional>
#include <string>
#include <string_view>

#include "orchestrator/supervise/clock.hpp"

namespace stk::supervise {

enum class RestartMode { No, Always, OnFailure, UnlessStopped };

struct RestartPolicy {
    RestartMode mode = RestartMode::No;
    int max_attempts = 0;  // on-failure:N (any mode for deploy.restart_policy); 0: no limit
    // deploy.restart_policy only. docker compose ignores both; stack honours them (swarm's
    // meaning): `delay` replaces the exponential backoff by a fixed wait, and a run lasting at
    // least `window` counts as a success, which resets the attempt count.
    std::optional<Duration> delay;
    std::optional<Duration> window;
};

// Parses `no`, `always`, `on-failure`, `on-failure:N`, `unless-stopped`; throws Error.
RestartPolicy parse_restart(std::string_view text);

struct DeployRestartPolicy {
    std::string condition;  // none | on-failure | any; empty means any (the spec's default)
    std::optional<Duration> delay;
    std::optional<int> max_attempts;
    std::optional<Duration> window;
};

// compose's mapRestartPolicyCondition plus max_attempts, delay and window; throws Error.
RestartPolicy from_deploy(const DeployRestartPolicy& deploy);

std::string to_string(const RestartPolicy& policy);

}  // namespace stk::supervise
