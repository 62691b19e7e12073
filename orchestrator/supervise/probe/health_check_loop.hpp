#pragma once
// Drives one container's healthcheck on the event loop: waits until the monitor's
// next_probe_at(), runs one probe through the prober, records the result, and repeats.
// Probes never overlap. The monitor's transition listener (set by the owner) sees every
// change; stop() (or destruction) guarantees no probe result is recorded afterwards.
#include <memory>

#include "orchestrator/supervise/health/health_monitor.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"
#include "orchestrator/supervise/probe/health_prober.hpp"

namespace stk::supervise {

class HealthCheckLoop {
public:
    // Both are borrowed and must outlive the loop (or stop() must be called first).
    HealthCheckLoop(IoContext& io, HealthMonitor& monitor, HealthProber& prober);
    ~HealthCheckLoop();
    HealthCheckLoop(const HealthCheckLoop&) = delete;
    HealthCheckLoop& operator=(const HealthCheckLoop&) = delete;

    void start();
    void stop();
    bool running() const;
    int probes_run() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::supervise
