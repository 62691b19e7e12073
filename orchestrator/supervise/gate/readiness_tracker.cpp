#include "orchestrator/supervise/gate/readiness_tracker.hpp"

#include <fmt/format.h>

namespace stk::supervise {

std::optional<DependCondition> parse_depend_condition(const std::string& text) {
    if (text == "service_started") return DependCondition::Started;
    if (text == "service_healthy") return DependCondition::Healthy;
    if (text == "service_completed_successfully") return DependCondition::CompletedSuccessfully;
    return std::nullopt;
}

void ReadinessTracker::add(const std::string& service, const std::string& container,
                           bool has_healthcheck) {
    auto& s = services_[service];
    s.container = container;
    s.has_healthcheck = has_healthcheck;
    settle(s);
}

std::optional<GateResult> ReadinessTracker::evaluate(const ServiceState& s, DependCondition c) {
    const std::string& name = s.container;
    if (s.failure)
        return GateResult{
            false, fmt::format("dependency failed to start: container {}: {}", name, *s.failure)};
    switch (c) {
        case DependCondition::Started:
            if (s.started) return GateResult{true, {}};
            break;
        case DependCondition::Healthy:
            if (!s.has_healthcheck)
                return GateResult{false,
                                  fmt::format("dependency failed to start: container {} has no "
                                              "healthcheck configured",
                                              name)};
            if (s.healthy) return GateResult{true, {}};
            if (s.unhealthy_output)
                return GateResult{false,
                                  fmt::format("dependency failed to start: container {} is "
                                              "unhealthy{}",
                                              name,
                                              s.unhealthy_output->empty()
                                                  ? ""
                                                  : " (last probe: " + *s.unhealthy_output + ")")};
            if (s.exit_code)
                return GateResult{false, fmt::format("dependency failed to start: container {} "
                                                     "exited ({}) before it became healthy",
                                                     name, *s.exit_code)};
            break;
        case DependCondition::CompletedSuccessfully:
            if (s.exit_code) {
                if (*s.exit_code == 0) return GateResult{true, {}};
                return GateResult{false, fmt::format("service \"{}\" didn't complete "
                                                     "successfully: exit {}",
                                                     name, *s.exit_code)};
            }
            break;
    }
    return std::nullopt;
}

void ReadinessTracker::settle(ServiceState& s) {
    // Waiters may register more waiters or send events: answer from a detached list.
    auto waiters = std::move(s.waiters);
    s.waiters.clear();
    std::vector<std::pair<Waiter, GateResult>> answers;
    for (auto& [condition, waiter] : waiters) {
        if (auto r = evaluate(s, condition))
            answers.emplace_back(std::move(waiter), *r);
        else
            s.waiters.emplace_back(condition, std::move(waiter));
    }
    for (auto& [waiter, result] : answers) waiter(result);
}

void ReadinessTracker::started(const std::string& service) {
    auto& s = services_[service];
    s.started = true;
    settle(s);
}

void ReadinessTracker::healthy(const std::string& service) {
    auto& s = services_[service];
    s.healthy = true;
    s.unhealthy_output.reset();
    settle(s);
}

void ReadinessTracker::unhealthy(const std::string& service, const std::string& last_output) {
    auto& s = services_[service];
    if (!s.healthy) s.unhealthy_output = last_output;
    settle(s);
}

void ReadinessTracker::exited(const std::string& service, int exit_code) {
    auto& s = services_[service];
    s.exit_code = exit_code;
    settle(s);
}

void ReadinessTracker::failed(const std::string& service, const std::string& error) {
    auto& s = services_[service];
    s.failure = error;
    settle(s);
}

void ReadinessTracker::reset(const std::string& service) {
    auto& s = services_[service];
    s.started = false;
    s.healthy = false;
    s.unhealthy_output.reset();
    s.exit_code.reset();
    s.failure.reset();
}

void ReadinessTracker::wait(const std::string& service, DependCondition condition, Waiter waiter) {
    auto it = services_.find(service);
    if (it == services_.end()) {
        waiter(GateResult{false, fmt::format("dependency failed to start: service \"{}\" is "
                                             "not part of this project",
                                             service)});
        return;
    }
    if (auto r = evaluate(it->second, condition)) {
        waiter(*r);
        return;
    }
    it->second.waiters.emplace_back(condition, std::move(waiter));
}

std::optional<GateResult> ReadinessTracker::check(const std::string& service,
                                                  DependCondition condition) const {
    auto it = services_.find(service);
    if (it == services_.end()) return std::nullopt;
    return evaluate(it->second, condition);
}

size_t ReadinessTracker::pending_waiters() const {
    size_t n = 0;
    for (const auto& [name, s] : services_) n += s.waiters.size();
    return n;
}

}  // namespace stk::supervise
