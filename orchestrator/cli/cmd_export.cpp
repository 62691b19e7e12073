// `stack export k8s`: the stack as Kubernetes manifests, the report on stderr.
#include <CLI/CLI.hpp>

#include <iostream>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/export/k8s/exporter.hpp"
#include "orchestrator/export/k8s/writer.hpp"

namespace stk::cli {
namespace {

struct ExportFlags {
    k8s::ExportOptions options;
    std::string output;
};

int run_export_k8s(const GlobalOptions& global, const ExportFlags& f) {
    load::LoadedProject loaded = load::load_project(global.load_options());
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
    k8s::Manifests m = k8s::export_k8s(loaded, f.options);
    if (f.output.empty() || f.output == "-") std::cout << k8s::to_yaml_stream(m.objects);
    else k8s::write_manifests(m.objects, f.output);
    for (const auto& line : m.report) std::cerr << line << '\n';
    return 0;
}

}  // namespace

void register_export(CLI::App& app, CommandContext& ctx) {
    auto flags = std::make_shared<ExportFlags>();
    auto* cmd = app.add_subcommand("export", "Write the stack for another engine");
    cmd->require_subcommand(1);
    cmd->fallthrough();
    auto* k8s = cmd->add_subcommand("k8s", "Kubernetes manifests (report of what differs on stderr)");
    k8s->fallthrough();
    k8s->add_option("-o,--output", flags->output,
                    "FILE.yaml: one multi-document file; DIR: one file per object (default: stdout)");
    k8s->add_option("--pvc-size", flags->options.pvc_size, "Storage requested by each named volume's claim")
        ->capture_default_str();
    k8s->add_flag("--allow-hostpath", flags->options.allow_hostpath,
                  "Bind mounts become hostPath volumes (refused otherwise)");
    k8s->add_flag("--network-policies", flags->options.network_policies,
                  "One NetworkPolicy per stack network (and per service's published ports)");
    k8s->add_option("--namespace", flags->options.namespace_name, "Namespace of every object (created)");
    k8s->add_option("--wait-image", flags->options.wait_image,
                    "Image of the init containers waiting for dependencies (sh, nc, nslookup)")
        ->capture_default_str();
    k8s->add_option("--kubectl-image", flags->options.kubectl_image,
                    "Image of the init containers waiting for Jobs")
        ->capture_default_str();
    k8s->callback([&ctx, flags] { ctx.exit_code = run_export_k8s(ctx.global, *flags); });
}

}  // namespace stk::cli
