#pragma once
// One container's life under the supervisor, event-driven on the Asio loop: start it through
// the driver, watch its exit through the pidfd, ask the restart manager, wait the backoff on a
// timer, start again; run its healthcheck while it runs (reset on every start); with
// x-stack restart_on_unhealthy, kill and restart it when it turns unhealthy. A manual stop
// cancels restarts. The driver is the runtime seam: the wiring binds it to runtime::Container;
// tests bind it to host processes.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "orchestrator/supervise/health/health_monitor.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"
#include "orchestrator/supervise/loop/process_watcher.hpp"
#include "orchestrator/supervise/probe/health_prober.hpp"
#include "orchestrator/supervise/restart/restart_manager.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

class ContainerDriver {
public:
    virtual ~ContainerDriver() = default;
    // Starts the container (again); returns a pidfd of its main process. Throws Error.
    virtual UniqueFd start() = 0;
    // Delivers `sig` to the container; the exit, if any, arrives through the pidfd.
    virtual void signal(int sig) = 0;
};

enum class LifecycleState { Created, Running, Restarting, Exited };
std::string_view to_string(LifecycleState state);

struct LifecycleEvents {
    std::function<void()> started;
    // Every exit, with what happens next (restart.restart and restart.delay).
    std::function<void(const ExitStatus&, const RestartDecision&)> exited;
    std::function<void(HealthStatus from, HealthStatus to, const ProbeResult&)> health;
    std::function<void(const std::string& error)> start_failed;
};

struct LifecycleConfig {
    std::string name;
    RestartPolicy restart;
    std::optional<HealthConfig> health;  // nullopt or disabled: no health state
    bool restart_on_unhealthy = false;
};

class ContainerLifecycle {
public:
    // `driver` and `prober` (required when health is enabled) are borrowed.
    ContainerLifecycle(IoContext& io, LifecycleConfig config, ContainerDriver& driver,
                       HealthProber* prober, LifecycleEvents events);
    ~ContainerLifecycle();
    ContainerLifecycle(const ContainerLifecycle&) = delete;
    ContainerLifecycle& operator=(const ContainerLifecycle&) = delete;

    // Manual start (`up`, `start`): a fresh restart manager, then start.
    void start();
    // Manual stop (`stop`, `down`, Ctrl-C): cancels pending and future restarts, sends `sig`.
    void stop(int sig);

    LifecycleState state() const;
    int restart_count() const;
    const HealthMonitor* health() const;  // null without a healthcheck
    const std::optional<ExitStatus>& last_exit() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::supervise
