#include "orchestrator/supervise/restart/restart_policy.hpp"

#include <fmt/format.h>

#include <charconv>

#include "runtime/sys/error.hpp"

namespace stk::supervise {

RestartPolicy parse_restart(std::string_view text) {
    RestartPolicy p;
    if (text.empty() || text == "no") return p;
    if (text == "always") {
        p.mode = RestartMode::Always;
    } else if (text == "unless-stopped") {
        p.mode = RestartMode::UnlessStopped;
    } else if (text.substr(0, 10) == "on-failure") {
        p.mode = RestartMode::OnFailure;
        std::string_view rest = text.substr(10);
        if (!rest.empty()) {
            std::string_view digits = rest.substr(1);
            int n = -1;
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            if (rest[0] != ':' || digits.empty() || ec != std::errc() ||
                ptr != digits.data() + digits.size() || n < 0)
                throw Error(
                    fmt::format("invalid restart policy \"{}\": the maximum retry count "
                                "must be a non-negative integer",
                                text));
            p.max_attempts = n;
        }
    } else {
        throw Error(
            fmt::format("invalid restart policy \"{}\": expected no, always, "
                        "on-failure[:N] or unless-stopped",
                        text));
    }
    return p;
}

RestartPolicy from_deploy(const DeployRestartPolicy& deploy) {
    RestartPolicy p;
    const std::string& c = deploy.condition;
    if (c == "none" || c == "no") {
        p.mode = RestartMode::No;
    } else if (c == "on-failure") {
        p.mode = RestartMode::OnFailure;
    } else if (c.empty() || c == "any" || c == "always") {
        p.mode = RestartMode::Always;
    } else if (c == "unless-stopped") {
        p.mode = RestartMode::UnlessStopped;
    } else {
        throw Error(
            fmt::format("invalid deploy.restart_policy.condition \"{}\": expected none, "
                        "on-failure or any",
                        c));
    }
    if (deploy.max_attempts) {
        if (*deploy.max_attempts < 0)
            throw Error(
                fmt::format("invalid deploy.restart_policy.max_attempts {}", *deploy.max_attempts));
        p.max_attempts = *deploy.max_attempts;
    }
    if (deploy.delay && *deploy.delay < Duration::zero())
        throw Error("invalid deploy.restart_policy.delay: negative");
    p.delay = deploy.delay;
    p.window = deploy.window;
    return p;
}

std::string to_string(const RestartPolicy& policy) {
    switch (policy.mode) {
        case RestartMode::No:
            return "no";
        case RestartMode::Always:
            return "always";
        case RestartMode::UnlessStopped:
            return "unless-stopped";
        case RestartMode::OnFailure:
            return policy.max_attempts > 0 ? fmt::format("on-failure:{}", policy.max_attempts)
                                           : "on-failure";
    }
    return "no";
}

}  // namespace stk::supervise
