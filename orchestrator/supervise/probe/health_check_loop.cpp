#include "orchestrator/supervise/probe/health_check_loop.hpp"

#include "orchestrator/supervise/loop/timer.hpp"

namespace stk::supervise {

struct HealthCheckLoop::Impl : std::enable_shared_from_this<Impl> {
    Impl(IoContext& io, HealthMonitor& m, HealthProber& p) : timer(io), monitor(m), prober(p) {}

    void schedule() {
        timer.at(monitor.next_probe_at(), [weak = weak_from_this()] {
            if (auto self = weak.lock()) self->run_probe();
        });
    }

    void run_probe() {
        if (!running) return;
        uint64_t gen = generation;
        prober.probe(monitor.probe_timeout(), [weak = weak_from_this(), gen](ProbeResult r) {
            auto self = weak.lock();
            if (!self || !self->running || self->generation != gen) return;
            ++self->count;
            self->monitor.record(std::move(r));
            if (self->running && self->generation == gen) self->schedule();
        });
    }

    Timer timer;
    HealthMonitor& monitor;
    HealthProber& prober;
    bool running = false;
    uint64_t generation = 0;  // a probe started before stop() is ignored when it finishes
    int count = 0;
};

HealthCheckLoop::HealthCheckLoop(IoContext& io, HealthMonitor& monitor, HealthProber& prober)
    : impl_(std::make_shared<Impl>(io, monitor, prober)) {}

HealthCheckLoop::~HealthCheckLoop() { stop(); }

void HealthCheckLoop::start() {
    if (impl_->running) return;
    impl_->running = true;
    ++impl_->generation;
    impl_->schedule();
}

void HealthCheckLoop::stop() {
    impl_->running = false;
    ++impl_->generation;
    impl_->timer.cancel();
}

bool HealthCheckLoop::running() const { return impl_->running; }

int HealthCheckLoop::probes_run() const { return impl_->count; }

}  // namespace stk::supervise
