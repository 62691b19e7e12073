#pragma once
// stack's own keys, under `x-stack:` in a service so that docker compose ignores them:
//   rootfs: host | ./dir      where the root filesystem comes from when there is no image
//   fast_probes: false        probe on docker's schedule only (issue #9's fast phase off)
//   restart_on_unhealthy: true
//   healthcheck: {tcp: PORT} | {http: {port: PORT, path: /health}}   native probes
#include <optional>
#include <string>

#include "orchestrator/model/service.hpp"

namespace stk::engine {

struct NativeProbe {
    std::string kind;  // "tcp" or "http"
    uint16_t port = 0;
    std::string path = "/";
};

struct StackExtension {
    std::string rootfs;  // "", "host" or a directory (absolute after reading)
    bool fast_probes = true;
    bool restart_on_unhealthy = false;
    std::optional<NativeProbe> probe;
};

// Reads and checks `x-stack` of a service; throws Error naming the service and key.
StackExtension read_stack_extension(const model::Service& service,
                                    const std::filesystem::path& project_dir);

}  // namespace stk::engine
