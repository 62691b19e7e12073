#include "orchestrator/export/k8s/exporter.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "orchestrator/export/k8s/context.hpp"
#include "orchestrator/export/k8s/init_wait.hpp"
#include "orchestrator/export/k8s/network_policy.hpp"
#include "orchestrator/export/k8s/service.hpp"
#include "orchestrator/export/k8s/unmapped.hpp"
#include "orchestrator/export/k8s/workload.hpp"
#include "runtime/sys/error.hpp"

namespace stk::k8s {
namespace {

// Dependencies before dependants: what is referenced exists before what references it.
int kind_rank(const std::string& kind) {
    static const char* const order[] = {"Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
                                        "Secret", "PersistentVolumeClaim", "Service", "Deployment",
                                        "Job", "NetworkPolicy"};
    auto it = std::find(std::begin(order), std::end(order), kind);
    return static_cast<int>(it - std::begin(order));
}

// Pass 1: the facts every reference to a service needs; refuses what the cluster cannot run.
void shape_services(ExportContext& ctx) {
    for (const auto& s : ctx.project.services) {
        ServiceShape shape;
        shape.service = &s;
        try {
            shape.x = engine::read_stack_extension(s, ctx.project.working_dir);
        } catch (const Error& e) {
            ctx.refusals.push_back(e.what());
        }
        if (s.image.empty()) {
            if (s.build)
                ctx.refuse(s.name, "build", "the cluster cannot build: set image: to the tag you push the build to");
            else if (!shape.x.rootfs.empty())
                ctx.refuse(s.name, "x-stack.rootfs", fmt::format(
                    "\"{}\" is a root filesystem of this machine; the cluster needs an image: set image:",
                    shape.x.rootfs));
            else
                ctx.refuse(s.name, "image", "missing");
        }
        shape.name = ctx.names.claim("Service", dns1035_label(s.name), fmt::format("service \"{}\"", s.name));
        if (shape.name != s.name)
            ctx.report.approximated(s.name, "name", fmt::format("Kubernetes name \"{}\"", shape.name));
        classify_workload(ctx, shape);
        shape.ports = service_ports(ctx, s);
        ctx.shapes.emplace(s.name, std::move(shape));
    }
}

void throw_refusals(const ExportContext& ctx) {
    if (ctx.refusals.empty()) return;
    std::string text = "cannot export to Kubernetes:";
    for (const auto& r : ctx.refusals) text += "\n  " + r;
    throw Error(text);
}

void report_shared_claims(ExportContext& ctx) {
    for (const auto& [claim, users] : ctx.claim_users) {
        int pods = 0;
        for (const auto& u : users) pods += ctx.shapes.at(u).replicas;
        if (pods > 1)
            ctx.report.approximated("", "volumes." + claim, fmt::format(
                "{} pods mount a ReadWriteOnce claim: they must run on one node, or give the claim a "
                "ReadWriteMany storage class", pods));
    }
}

}  // namespace

Manifests export_k8s(const load::LoadedProject& loaded, const ExportOptions& options) {
    check_options(options);
    ExportContext ctx{loaded.project, loaded.tree, options};
    shape_services(ctx);
    throw_refusals(ctx);
    for (const auto& [name, shape] : ctx.shapes) {
        report_unmapped(ctx, shape);
        ctx.objects.push_back(service_object(ctx, shape));
        ctx.objects.push_back(workload_object(ctx, shape));
    }
    throw_refusals(ctx);
    report_shared_claims(ctx);
    if (ctx.needs_job_reader) {
        for (auto& o : job_reader_objects(ctx)) ctx.objects.push_back(std::move(o));
        if (options.namespace_name.empty())
            ctx.report.approximated("", "depends_on", "the Job-reading RoleBinding names the namespace "
                                    "\"default\": pass --namespace to apply elsewhere");
    }
    for (auto& o : network_policies(ctx)) ctx.objects.push_back(std::move(o));
    if (!options.namespace_name.empty()) {
        for (auto& o : ctx.objects) o["metadata"]["namespace"] = options.namespace_name;
        ctx.objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", ctx.metadata(options.namespace_name)}});
    }
    std::stable_sort(ctx.objects.begin(), ctx.objects.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        auto ka = kind_rank(a["kind"]), kb = kind_rank(b["kind"]);
        if (ka != kb) return ka < kb;
        return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
    });
    return {std::move(ctx.objects), ctx.report.lines()};
}

}  // namespace stk::k8s
