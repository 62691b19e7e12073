#pragma once
// The `depends_on` gates, as a hook for the graph walker (orchestrator/graph): each service's
// lifecycle events come in, and waiters registered per (dependency, condition) are answered
// once: open, or failed with compose's message. The walker's visit of a dependant waits on
// its dependencies' gates before starting it; ordering itself stays in the walker.
//
//   service_started                  opens when the container has started
//   service_healthy                  opens at the first healthy probe; fails when unhealthy
//                                    (quoting the last probe's output) or when it exits first
//   service_completed_successfully   opens at exit 0; fails at any other exit
// A service without a healthcheck fails a service_healthy gate at once, as compose does.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stk::supervise {

enum class DependCondition { Started, Healthy, CompletedSuccessfully };

std::optional<DependCondition> parse_depend_condition(const std::string& text);

struct GateResult {
    bool open = false;
    std::string error;  // names the container and how it failed
};

class ReadinessTracker {
public:
    using Waiter = std::function<void(const GateResult&)>;

    // Registers a service's container; `has_healthcheck` decides service_healthy gates.
    void add(const std::string& service, const std::string& container, bool has_healthcheck);

    // Lifecycle events (the supervisor calls them as they happen).
    void started(const std::string& service);
    void healthy(const std::string& service);
    void unhealthy(const std::string& service, const std::string& last_output);
    void exited(const std::string& service, int exit_code);
    // A start attempt that failed before the container ran (create or start error).
    void failed(const std::string& service, const std::string& error);
    // Recreate / restart: gates are evaluated afresh from here (already-answered waiters keep
    // their answers).
    void reset(const std::string& service);

    // Calls `waiter` once, now if the answer is known, else when it becomes known.
    // An unknown service fails at once.
    void wait(const std::string& service, DependCondition condition, Waiter waiter);

    // The answer known now, if any.
    std::optional<GateResult> check(const std::string& service, DependCondition condition) const;

    size_t pending_waiters() const;

private:
    struct ServiceState {
        std::string container;
        bool has_healthcheck = false;
        bool started = false;
        bool healthy = false;
        std::optional<std::string> unhealthy_output;
        std::optional<int> exit_code;
        std::optional<std::string> failure;
        std::vector<std::pair<DependCondition, Waiter>> waiters;
    };

    void settle(ServiceState& s);
    static std::optional<GateResult> evaluate(const ServiceState& s, DependCondition c);

    std::map<std::string, ServiceState> services_;
};

}  // namespace stk::supervise
