#include "orchestrator/supervise/lifecycle/container_lifecycle.hpp"

#include <signal.h>

#include "orchestrator/supervise/loop/timer.hpp"
#include "orchestrator/supervise/probe/health_check_loop.hpp"
#include "runtime/sys/error.hpp"

namespace stk::supervise {

std::string_view to_string(LifecycleState state) {
    switch (state) {
        case LifecycleState::Created:
            return "created";
        case LifecycleState::Running:
            return "running";
        case LifecycleState::Restarting:
            return "restarting";
        case LifecycleState::Exited:
            return "exited";
    }
    return "unknown";
}

struct ContainerLifecycle::Impl : std::enable_shared_from_this<Impl> {
    Impl(IoContext& io_, LifecycleConfig c, ContainerDriver& d, HealthProber* p, LifecycleEvents e)
        : io(io_),
          config(std::move(c)),
          driver(d),
          prober(p),
          events(std::move(e)),
          restarts(config.restart),
          restart_timer(io_) {
        if (config.health && config.health->enabled()) {
            if (!prober) throw Error("container " + config.name + ": healthcheck without prober");
            monitor.emplace(*config.health, Clock::now());
            health_loop.emplace(io, *monitor, *prober);
        }
    }

    void launch() {
        UniqueFd pidfd;
        try {
            pidfd = with_context("start container " + config.name, [&] { return driver.start(); });
        } catch (const Error& e) {
            state = LifecycleState::Exited;
            if (events.start_failed) events.start_failed(e.what());
            return;
        }
        state = LifecycleState::Running;
        started_at = Clock::now();
        unhealthy_kill.reset();
        watcher.emplace(io, std::move(pidfd), [weak = weak_from_this()](const ExitStatus& s) {
            if (auto self = weak.lock()) self->on_exit(s);
        });
        if (monitor) {
            monitor->reset(started_at);
            monitor->on_transition([weak = weak_from_this()](HealthStatus from, HealthStatus to,
                                                             const ProbeResult& r) {
                if (auto self = weak.lock()) self->on_health(from, to, r);
            });
            health_loop->start();
        }
        if (events.started) events.started();
    }

    void on_health(HealthStatus from, HealthStatus to, const ProbeResult& r) {
        if (events.health) events.health(from, to, r);
        if (to != HealthStatus::Unhealthy || state != LifecycleState::Running) return;
        RestartDecision d =
            restarts.on_unhealthy(config.restart_on_unhealthy, Clock::now() - started_at);
        if (!d.restart) return;
        unhealthy_kill = d;
        health_loop->stop();
        driver.signal(SIGKILL);
    }

    void on_exit(const ExitStatus& status) {
        last_exit = status;
        if (health_loop) health_loop->stop();
        RestartDecision d;
        if (unhealthy_kill) {
            d = *unhealthy_kill;  // already counted when it turned unhealthy
            unhealthy_kill.reset();
        } else {
            d = restarts.on_exit(status.exit_code, Clock::now() - started_at);
        }
        state = d.restart ? LifecycleState::Restarting : LifecycleState::Exited;
        if (events.exited) events.exited(status, d);
        if (!d.restart || state != LifecycleState::Restarting) return;
        restart_timer.after(d.delay, [weak = weak_from_this()] {
            auto self = weak.lock();
            if (self && self->state == LifecycleState::Restarting && !self->restarts.canceled())
                self->launch();
        });
    }

    IoContext& io;
    LifecycleConfig config;
    ContainerDriver& driver;
    HealthProber* prober;
    LifecycleEvents events;
    RestartManager restarts;
    Timer restart_timer;
    std::optional<HealthMonitor> monitor;
    std::optional<HealthCheckLoop> health_loop;
    std::optional<ProcessWatcher> watcher;
    std::optional<RestartDecision> unhealthy_kill;
    std::optional<ExitStatus> last_exit;
    LifecycleState state = LifecycleState::Created;
    TimePoint started_at;
};

ContainerLifecycle::ContainerLifecycle(IoContext& io, LifecycleConfig config,
                                       ContainerDriver& driver, HealthProber* prober,
                                       LifecycleEvents events)
    : impl_(std::make_shared<Impl>(io, std::move(config), driver, prober, std::move(events))) {}

ContainerLifecycle::~ContainerLifecycle() {
    impl_->restart_timer.cancel();
    if (impl_->health_loop) impl_->health_loop->stop();
    if (impl_->watcher) impl_->watcher->cancel();
}

void ContainerLifecycle::start() {
    if (impl_->state == LifecycleState::Running) return;
    impl_->restart_timer.cancel();
    impl_->restarts.manual_start();
    impl_->launch();
}

void ContainerLifecycle::stop(int sig) {
    impl_->restarts.manual_stop();
    impl_->restart_timer.cancel();
    impl_->unhealthy_kill.reset();
    if (impl_->state == LifecycleState::Restarting) {
        impl_->state = LifecycleState::Exited;
        return;
    }
    if (impl_->state == LifecycleState::Running) impl_->driver.signal(sig);
}

LifecycleState ContainerLifecycle::state() const { return impl_->state; }

int ContainerLifecycle::restart_count() const { return impl_->restarts.restart_count(); }

const HealthMonitor* ContainerLifecycle::health() const {
    return impl_->monitor ? &*impl_->monitor : nullptr;
}

const std::optional<ExitStatus>& ContainerLifecycle::last_exit() const { return impl_->last_exit; }

}  // namespace stk::supervise
