#pragma once
// CMD / CMD-SHELL probes without blocking the loop: a forked child (in a process group of its
// own) calls runtime::exec_in with its stdout/stderr on a pipe and exits with the probe's
// code; the loop reads the pipe and watches the child's pidfd. At the timeout the whole group
// is killed and docker's timeout result is reported.
#include <memory>
#include <string>

#include "orchestrator/supervise/probe/health_prober.hpp"

namespace stk::engine {

class ForkExecProbeRunner : public supervise::ExecProbeRunner {
public:
    ForkExecProbeRunner(supervise::IoContext& io, std::string container);
    ~ForkExecProbeRunner() override;  // kills a probe still running

    void run(const std::vector<std::string>& argv, supervise::Duration timeout,
             supervise::ProbeCallback done) override;

    struct Probe;

private:
    supervise::IoContext& io_;
    std::string container_;
    std::weak_ptr<Probe> current_;
};

}  // namespace stk::engine
