#pragma once
// A service's healthcheck as the supervisor uses it: docker's fields with docker's defaults
// (compose-semantics.md §2.4), plus stack's native probes and the fast-probe switch.
#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/supervise/clock.hpp"

namespace stk::supervise {

enum class HealthTestKind {
    None,      // no healthcheck, `NONE`, or `disable: true`: the container has no health state
    Cmd,       // exec `command` directly
    CmdShell,  // exec `/bin/sh -c command[0]`
    Tcp,       // x-stack: connect to `port` inside the container's network namespace
    Http,      // x-stack: GET `path` on `port`; a 2xx or 3xx status is healthy
};

struct HealthTest {
    HealthTestKind kind = HealthTestKind::None;
    std::vector<std::string> command;  // Cmd: argv; CmdShell: one shell string
    uint16_t port = 0;                 // Tcp, Http
    std::string path = "/";            // Http
    std::string host = "127.0.0.1";    // Tcp, Http: address inside the container's netns
};

struct HealthConfig {
    HealthTest test;
    Duration interval = std::chrono::seconds(30);
    Duration timeout = std::chrono::seconds(30);
    int retries = 3;
    Duration start_period = Duration::zero();
    Duration start_interval = std::chrono::seconds(5);
    // Issue #9: probe at once and then on a growing cadence while `starting`.
    bool fast_probes = true;

    bool enabled() const { return test.kind != HealthTestKind::None; }
};

// Replaces zero or negative values by docker's defaults, as moby's timeoutWithDefault does.
HealthConfig with_docker_defaults(HealthConfig config);

}  // namespace stk::supervise
