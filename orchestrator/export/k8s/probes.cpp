#include "orchestrator/export/k8s/probes.hpp"

#include <fmt/format.h>

#include "orchestrator/engine/service_policies.hpp"

namespace stk::k8s {
namespace {

using supervise::HealthTestKind;

// Probes count whole seconds, at least one.
int64_t seconds(ExportContext& ctx, const std::string& service, const char* key, supervise::Duration d) {
    using namespace std::chrono;
    int64_t ns = duration_cast<nanoseconds>(d).count();
    int64_t s = std::max<int64_t>(1, (ns + 999'999'999) / 1'000'000'000);
    if (s * 1'000'000'000 != ns)
        ctx.report.approximated(service, fmt::format("healthcheck.{}", key),
                                fmt::format("probes count whole seconds: {}s", s));
    return s;
}

nlohmann::json handler(const supervise::HealthTest& t) {
    switch (t.kind) {
        case HealthTestKind::Cmd: {
            nlohmann::json argv = nlohmann::json::array();
            for (const auto& a : t.command) argv.push_back(escape_var_refs(a));
            return {{"exec", {{"command", argv}}}};
        }
        case HealthTestKind::CmdShell: {
            std::string line;
            for (const auto& part : t.command) line += (line.empty() ? "" : " ") + part;
            return {{"exec", {{"command", {"/bin/sh", "-c", escape_var_refs(line)}}}}};
        }
        case HealthTestKind::Tcp:
            return {{"tcpSocket", {{"port", t.port}}}};
        case HealthTestKind::Http:
            return {{"httpGet", {{"path", t.path}, {"port", t.port}, {"scheme", "HTTP"}}}};
        case HealthTestKind::None:
            break;
    }
    return nullptr;
}

}  // namespace

void add_probes(ExportContext& ctx, const ServiceShape& shape, nlohmann::json& container) {
    const model::Service& s = *shape.service;
    if (s.healthcheck && !s.healthcheck->disable && s.healthcheck->kind == model::HealthTestKind::Inherit &&
        !shape.x.probe) {
        ctx.report.dropped(s.name, "healthcheck", "no test: the image's HEALTHCHECK is not something "
                           "Kubernetes runs; give the test in the stack file");
    }
    supervise::HealthConfig h = engine::health_config_of(s, shape.x);
    if (!h.enabled()) return;

    nlohmann::json probe = handler(h.test);
    probe["periodSeconds"] = seconds(ctx, s.name, "interval", h.interval);
    probe["timeoutSeconds"] = seconds(ctx, s.name, "timeout", h.timeout);
    probe["failureThreshold"] = std::max(1, h.retries);
    probe["successThreshold"] = 1;
    container["readinessProbe"] = probe;
    container["livenessProbe"] = probe;
    if (!shape.x.restart_on_unhealthy)
        ctx.report.approximated(s.name, "healthcheck", fmt::format(
            "the liveness probe restarts the container after {} failures where docker only marks "
            "it unhealthy; the readiness probe takes it out of its Service meanwhile", h.retries));

    if (h.start_period > supervise::Duration::zero()) {
        nlohmann::json startup = probe;
        int64_t period = seconds(ctx, s.name, "start_interval", h.start_interval);
        int64_t window = seconds(ctx, s.name, "start_period", h.start_period);
        startup["periodSeconds"] = period;
        startup["failureThreshold"] = std::max<int64_t>(1, (window + period - 1) / period);
        container["startupProbe"] = startup;
        ctx.report.approximated(s.name, "healthcheck.start_period", fmt::format(
            "a startupProbe every {}s for {}s; liveness and readiness start after its first success",
            period, window));
    }
}

}  // namespace stk::k8s
