#pragma once
// Runs one probe of a service's healthcheck, whatever its kind: native tcp/http probes here,
// CMD / CMD-SHELL through an ExecProbeRunner that the wiring binds to the runtime's exec (in
// the container, as its user and in its working directory).
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/supervise/health/health_config.hpp"
#include "orchestrator/supervise/probe/native_probe.hpp"

namespace stk::supervise {

class ExecProbeRunner {
public:
    virtual ~ExecProbeRunner() = default;
    // Runs `argv` in the container. Must kill it at `timeout` and then report
    // timeout_result(); a run that cannot start reports exit kProbeErrorExit with the reason.
    // Output is stdout and stderr together. `done` is called once, on the loop's thread.
    virtual void run(const std::vector<std::string>& argv, Duration timeout,
                     ProbeCallback done) = 0;
};

// The argv docker execs for a CMD or CMD-SHELL test (CMD-SHELL: /bin/sh -c "<command>").
std::vector<std::string> exec_probe_argv(const HealthTest& test);

class HealthProber {
public:
    // `netns_fd` is borrowed (the container's network namespace, kept open by the caller);
    // `exec` may be null when the test is native.
    HealthProber(IoContext& io, HealthTest test, int netns_fd, ExecProbeRunner* exec);

    void probe(Duration timeout, ProbeCallback done);

private:
    IoContext& io_;
    HealthTest test_;
    int netns_fd_;
    ExecProbeRunner* exec_;
    std::vector<std::string> argv_;
};

}  // namespace stk::supervise
