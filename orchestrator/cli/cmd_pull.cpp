// `stack pull [SERVICE...]`: fetches the images of the stack file's services from their
// registries into the local store (compose's flags: -q, --ignore-pull-failures,
// --include-deps, --ignore-buildable, --policy).
#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "image/registry/progress.hpp"
#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/engine/image_pull.hpp"
#include "orchestrator/load/loader.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct PullFlags {
    bool quiet = false;
    bool ignore_failures = false;
    bool include_deps = false;
    bool ignore_buildable = false;
    std::string policy = "always";
    std::vector<std::string> services;
};

int run_pull(const GlobalOptions& g, const PullFlags& f) {
    load::LoadedProject loaded = load::load_project(g.load_options());
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
    auto services = engine::image_services(loaded.project, loaded.graph, f.services,
                                           /*no_deps=*/!f.include_deps);
    if (f.ignore_buildable)
        std::erase_if(services, [](const model::Service* s) { return s->build.has_value(); });
    image::ImageStore store;
    auto items = engine::plan_pull_command(services, f.policy == "missing",
                                           [&](const image::Reference& r) {
                                               return store.find(r).has_value();
                                           });
    auto progress = image::registry::make_progress(f.quiet ? "quiet" : g.progress, stderr);
    auto failures = engine::run_pulls(items, *progress, /*keep_going=*/true);
    for (const auto& failure : failures)
        std::cerr << (f.ignore_failures ? "warning: " : "stack: ") << failure << '\n';
    return failures.empty() || f.ignore_failures ? 0 : 1;
}

}  // namespace

void register_pull(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("pull", "Pull the services' images from their registries");
    auto f = std::make_shared<PullFlags>();
    cmd->add_flag("-q,--quiet", f->quiet, "Print nothing but errors");
    cmd->add_flag("--ignore-pull-failures", f->ignore_failures,
                  "Pull what can be pulled; failures are warnings");
    cmd->add_flag("--include-deps", f->include_deps, "Also pull the services' dependencies");
    cmd->add_flag("--ignore-buildable", f->ignore_buildable, "Skip services that have build:");
    cmd->add_option("--policy", f->policy, "always (default) or missing")
        ->check(CLI::IsMember({"always", "missing"}));
    cmd->add_option("services", f->services, "Services whose images to pull (default: all)");
    cmd->callback([&ctx, f] { ctx.exit_code = run_pull(ctx.global, *f); });
}

}  // namespace stk::cli
