#pragma once
// stack's native probes (x-stack healthcheck `tcp` / `http`): no process is spawned, the
// supervisor connects from a socket created in the container's network namespace.
//   tcp:  healthy when the connection is accepted.
//   http: sends `GET <path> HTTP/1.1` and reads the status line; 2xx and 3xx are healthy.
// Both finish within `timeout` (docker's timeout result on expiry). The host is an IP literal
// (there is no resolver for another namespace); the callback runs once, on the loop's thread.
#include <cstdint>
#include <functional>
#include <string>

#include "orchestrator/supervise/clock.hpp"
#include "orchestrator/supervise/health/probe_result.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::supervise {

using ProbeCallback = std::function<void(ProbeResult)>;

struct NativeProbeTarget {
    int netns_fd = -1;  // the container's network namespace; < 0: the supervisor's own
    std::string host = "127.0.0.1";
    uint16_t port = 0;
};

void run_tcp_probe(IoContext& io, const NativeProbeTarget& target, Duration timeout,
                   ProbeCallback done);

void run_http_probe(IoContext& io, const NativeProbeTarget& target, const std::string& path,
                    Duration timeout, ProbeCallback done);

}  // namespace stk::supervise
