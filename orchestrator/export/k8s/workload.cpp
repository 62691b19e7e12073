#include "orchestrator/export/k8s/workload.hpp"

#include <fmt/format.h>

#include "orchestrator/engine/service_policies.hpp"
#include "orchestrator/export/k8s/container.hpp"
#include "orchestrator/export/k8s/file_objects.hpp"
#include "orchestrator/export/k8s/init_wait.hpp"
#include "orchestrator/export/k8s/volumes.hpp"

namespace stk::k8s {
namespace {

using supervise::RestartMode;

constexpr int kDefaultBackoffLimit = 6;  // Kubernetes' own default

// extra_hosts -> hostAliases, one per address.
nlohmann::json host_aliases(ExportContext& ctx, const model::Service& s) {
    std::map<std::string, std::vector<std::string>> by_ip;
    for (const auto& [host, ips] : s.extra_hosts)
        for (const auto& ip : ips) {
            if (ip == "host-gateway")
                ctx.report.dropped(s.name, "extra_hosts." + host, "host-gateway means nothing in a cluster");
            else
                by_ip[ip].push_back(host);
        }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [ip, hosts] : by_ip) out.push_back({{"ip", ip}, {"hostnames", hosts}});
    return out;
}

nlohmann::json pod_spec(ExportContext& ctx, const ServiceShape& shape, bool& uses_claim) {
    const model::Service& s = *shape.service;
    PodVolumes pod;
    add_secrets_and_configs(ctx, shape, pod);
    uses_claim = add_volumes(ctx, shape, pod);
    nlohmann::json container = main_container(ctx, shape);
    if (!pod.mounts().empty()) container["volumeMounts"] = pod.mounts();

    nlohmann::json spec = {{"containers", {container}},
                           // Service links would add FOO_PORT=tcp://... variables the stack never had.
                           {"enableServiceLinks", false}};
    bool waits_for_job = false;
    nlohmann::json waits = dependency_waits(ctx, shape, waits_for_job);
    if (!waits.empty()) spec["initContainers"] = waits;
    if (waits_for_job) spec["serviceAccountName"] = ctx.job_reader_name();
    if (!pod.volumes().empty()) spec["volumes"] = pod.volumes();

    if (shape.job) spec["restartPolicy"] = shape.restart.mode == RestartMode::No ? "Never" : "OnFailure";
    else spec["restartPolicy"] = "Always";
    if (!s.hostname.empty()) {
        std::string host = s.hostname.substr(0, s.hostname.find('.'));
        if (is_dns1123_label(host)) spec["hostname"] = host;
        if (host != s.hostname || !is_dns1123_label(host))
            ctx.report.approximated(s.name, "hostname", fmt::format(
                "\"{}\": a pod's hostname is one DNS label{}", s.hostname,
                is_dns1123_label(host) ? ": " + host : ", dropped"));
    }
    if (s.stop_grace_period) {
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*s.stop_grace_period).count();
        spec["terminationGracePeriodSeconds"] = (ns + 999'999'999) / 1'000'000'000;
    }
    if (auto aliases = host_aliases(ctx, s); !aliases.empty()) spec["hostAliases"] = aliases;
    if (auto sc = pod_security_context(ctx, s); !sc.is_null()) spec["securityContext"] = sc;
    if (s.network_mode == "host") {
        spec["hostNetwork"] = true;
        ctx.report.approximated(s.name, "network_mode", "host: the node's network (hostNetwork)");
    }
    return spec;
}

}  // namespace

void classify_workload(ExportContext& ctx, ServiceShape& shape) {
    const model::Service& s = *shape.service;
    shape.restart = engine::restart_policy_of(s);
    shape.job = shape.restart.mode == RestartMode::No || shape.restart.mode == RestartMode::OnFailure;
    shape.replicas = engine::replicas_of(s, {});
    if (shape.restart.delay || shape.restart.window)
        ctx.report.dropped(s.name, "deploy.restart_policy", "delay and window: Kubernetes has its own back-off");
    if (s.deploy && (s.deploy->mode == "global" || s.deploy->mode == "global-job"))
        ctx.report.approximated(s.name, "deploy.mode", s.deploy->mode + ": replicas instead of one pod per node");
}

nlohmann::json workload_object(ExportContext& ctx, const ServiceShape& shape) {
    bool uses_claim = false;
    nlohmann::json template_ = {{"metadata", {{"labels", ctx.selector_labels(shape)}}},
                                {"spec", pod_spec(ctx, shape, uses_claim)}};
    const model::Service& s = *shape.service;
    nlohmann::json annotations = nlohmann::json::object();
    for (const auto& [k, v] : s.labels) {
        if (is_qualified_name(k)) annotations[k] = v;
        else ctx.report.dropped(s.name, "labels." + k, "not a valid annotation key");
    }
    if (!annotations.empty()) template_["metadata"]["annotations"] = annotations;

    if (shape.job) {
        nlohmann::json spec = {{"template", template_}};
        if (shape.restart.mode == RestartMode::No) {
            spec["backoffLimit"] = 0;
        } else if (shape.restart.max_attempts > 0) {
            spec["backoffLimit"] = shape.restart.max_attempts;
        } else {
            spec["backoffLimit"] = kDefaultBackoffLimit;
            ctx.report.approximated(s.name, "restart", fmt::format(
                "on-failure without a limit: backoffLimit {} (Kubernetes' default)", kDefaultBackoffLimit));
        }
        if (shape.replicas != 1) {
            spec["completions"] = shape.replicas;
            spec["parallelism"] = shape.replicas;
        }
        return {{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", ctx.metadata(shape.name, &shape)},
                {"spec", spec}};
    }
    nlohmann::json spec = {{"replicas", shape.replicas},
                           {"selector", {{"matchLabels", ctx.selector_labels(shape)}}},
                           {"template", template_}};
    // A ReadWriteOnce claim cannot be held by the old and the new pod of a rolling update at once.
    if (uses_claim) spec["strategy"] = {{"type", "Recreate"}};
    return {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", ctx.metadata(shape.name, &shape)},
            {"spec", spec}};
}

}  // namespace stk::k8s
