#include "orchestrator/engine/service_policies.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::engine {

supervise::HealthConfig health_config_of(const model::Service& s, const StackExtension& x) {
    supervise::HealthConfig c;
    c.fast_probes = x.fast_probes;
    if (s.healthcheck) {
        const model::Healthcheck& h = *s.healthcheck;
        if (h.interval) c.interval = *h.interval;
        if (h.timeout) c.timeout = *h.timeout;
        if (h.start_period) c.start_period = *h.start_period;
        if (h.start_interval) c.start_interval = *h.start_interval;
        if (h.retries) c.retries = static_cast<int>(*h.retries);
        if (!h.disable) {
            if (h.kind == model::HealthTestKind::Cmd && !h.test.empty()) {
                c.test.kind = supervise::HealthTestKind::Cmd;
                c.test.command = h.test;
            } else if (h.kind == model::HealthTestKind::CmdShell && !h.test.empty()) {
                c.test.kind = supervise::HealthTestKind::CmdShell;
                c.test.command = h.test;
            }
        }
    }
    if (x.probe && !(s.healthcheck && s.healthcheck->disable)) {
        c.test = supervise::HealthTest{};
        c.test.kind = x.probe->kind == "tcp" ? supervise::HealthTestKind::Tcp
                                             : supervise::HealthTestKind::Http;
        c.test.port = x.probe->port;
        c.test.path = x.probe->path;
    }
    return supervise::with_docker_defaults(c);
}

supervise::RestartPolicy restart_policy_of(const model::Service& s) {
    return with_context(fmt::format("service \"{}\": restart policy", s.name), [&] {
        if (s.deploy && s.deploy->restart_policy) {
            const model::RestartPolicy& r = *s.deploy->restart_policy;
            supervise::DeployRestartPolicy d;
            d.condition = r.condition;
            d.delay = r.delay;
            if (r.max_attempts) d.max_attempts = static_cast<int>(*r.max_attempts);
            d.window = r.window;
            return supervise::from_deploy(d);
        }
        if (s.restart.empty()) return supervise::RestartPolicy{};
        return supervise::parse_restart(s.restart);
    });
}

int replicas_of(const model::Service& s, const std::map<std::string, int>& scale) {
    if (auto it = scale.find(s.name); it != scale.end()) return it->second;
    if (s.deploy && s.deploy->replicas) return static_cast<int>(*s.deploy->replicas);
    if (s.scale) return static_cast<int>(*s.scale);
    return 1;
}

}  // namespace stk::engine
