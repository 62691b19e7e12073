#include "orchestrator/export/k8s/unmapped.hpp"

namespace stk::k8s {
namespace {

struct Unmapped {
    const char* key;
    bool (*set)(const model::Service&);
    const char* why;
};

const Unmapped kUnmapped[] = {
    {"container_name", [](const model::Service& s) { return !s.container_name.empty(); }, "pods are named by their controller"},
    {"devices", [](const model::Service& s) { return !s.devices.empty(); }, "host devices need a device plugin"},
    {"gpus", [](const model::Service& s) { return !s.gpus.empty(); }, "GPUs need a device plugin's resource name"},
    {"ulimits", [](const model::Service& s) { return !s.ulimits.empty(); }, "the node's container runtime sets them"},
    {"logging", [](const model::Service& s) { return s.logging.has_value(); }, "the cluster collects logs from stdout"},
    {"pid", [](const model::Service& s) { return !s.pid.empty(); }, "use shareProcessNamespace within a pod"},
    {"ipc", [](const model::Service& s) { return !s.ipc.empty(); }, "pods do not share IPC namespaces"},
    {"cgroup_parent", [](const model::Service& s) { return !s.cgroup_parent.empty(); }, "the kubelet places pods"},
    {"userns_mode", [](const model::Service& s) { return !s.userns_mode.empty(); }, "use the pod's hostUsers"},
    {"mac_address", [](const model::Service& s) { return !s.mac_address.empty(); }, "the cluster network assigns it"},
    {"dns", [](const model::Service& s) { return !s.dns.empty(); }, "the cluster DNS resolves Service names"},
    {"dns_search", [](const model::Service& s) { return !s.dns_search.empty(); }, "the cluster DNS sets the search path"},
    {"dns_opt", [](const model::Service& s) { return !s.dns_opt.empty(); }, "the cluster DNS sets the options"},
    {"domainname", [](const model::Service& s) { return !s.domainname.empty(); }, "use a headless Service's subdomain"},
    {"links", [](const model::Service& s) { return !s.links.empty(); }, "every Service name resolves already; aliases do not"},
    {"external_links", [](const model::Service& s) { return !s.external_links.empty(); }, "no containers outside the cluster"},
    {"post_start", [](const model::Service& s) { return !s.post_start.empty(); }, "lifecycle hooks run as the container's user only"},
    {"pre_stop", [](const model::Service& s) { return !s.pre_stop.empty(); }, "lifecycle hooks run as the container's user only"},
    {"develop", [](const model::Service& s) { return s.develop.has_value(); }, "a development-loop feature"},
    {"stop_signal", [](const model::Service& s) { return !s.stop_signal.empty(); }, "Kubernetes 1.30 always sends SIGTERM"},
    {"oom_score_adj", [](const model::Service& s) { return s.oom_score_adj.has_value(); }, "the kubelet derives it from the QoS class"},
    {"oom_kill_disable", [](const model::Service& s) { return s.oom_kill_disable.has_value(); }, "not settable in Kubernetes"},
    {"cpu_shares", [](const model::Service& s) { return s.cpu_shares.has_value(); }, "use cpu requests"},
    {"cpu_quota", [](const model::Service& s) { return s.cpu_quota.has_value(); }, "use cpus"},
    {"cpu_period", [](const model::Service& s) { return s.cpu_period.has_value(); }, "use cpus"},
    {"cpuset", [](const model::Service& s) { return !s.cpuset.empty(); }, "the kubelet's CPU manager pins cpus"},
    {"blkio_config", [](const model::Service& s) { return s.blkio_config.has_value(); }, "not settable in Kubernetes"},
    {"storage_opt", [](const model::Service& s) { return !s.storage_opt.empty(); }, "use ephemeral-storage limits"},
    {"runtime", [](const model::Service& s) { return !s.runtime.empty(); }, "use a RuntimeClass"},
    {"platform", [](const model::Service& s) { return !s.platform.empty(); }, "use a nodeSelector on kubernetes.io/arch"},
    {"memswap_limit", [](const model::Service& s) { return s.memswap_limit.has_value(); }, "swap is the node's setting"},
    {"annotations", [](const model::Service& s) { return !s.annotations.empty(); }, "container annotations are not pod annotations"},
    {"provider", [](const model::Service& s) { return s.provider.has_value(); }, "providers run on the host"},
    {"models", [](const model::Service& s) { return !s.models.empty(); }, "model runners run on the host"},
};

}  // namespace

void report_unmapped(ExportContext& ctx, const ServiceShape& shape) {
    const model::Service& s = *shape.service;
    for (const auto& u : kUnmapped)
        if (u.set(s)) ctx.report.dropped(s.name, u.key, u.why);
    if (s.build)
        ctx.report.approximated(s.name, "build", "the cluster pulls " + s.image +
                                ": build and push it first (stack does not build for the cluster)");
    if (!shape.x.rootfs.empty())
        ctx.report.dropped(s.name, "x-stack.rootfs", "the image is used");
    if (!shape.x.fast_probes)
        ctx.report.dropped(s.name, "x-stack.fast_probes", "probes follow periodSeconds");
    for (const auto& [net, n] : s.networks) {
        if (!n.aliases.empty())
            ctx.report.dropped(s.name, "networks." + net + ".aliases", "only the service name resolves");
        if (!n.ipv4_address.empty() || !n.ipv6_address.empty())
            ctx.report.dropped(s.name, "networks." + net + ".ipv4_address", "the cluster network assigns addresses");
    }
    if (s.network_mode == "none")
        ctx.report.dropped(s.name, "network_mode", "none: pods always have a network");
    else if (!s.network_mode.empty() && s.network_mode != "host" && s.network_mode != "bridge")
        ctx.report.dropped(s.name, "network_mode", s.network_mode +
                           ": pods do not join another's network; put the containers in one pod");
}

}  // namespace stk::k8s
