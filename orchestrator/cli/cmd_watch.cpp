// `stack watch`: keeps a running project converged to its files and syncs develop.watch
// sources (orchestrator/watch). Starts the project in the background first unless --no-up;
// Ctrl-C stops watching, never the stack.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/watch_client.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/plan/observe.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

struct WatchFlags {
    bool no_up = false;
    std::vector<std::string> services;
};

bool supervisor_running(const std::string& project) {
    auto observed = plan::observe(run_root(), project);
    return observed.state && observed.state->supervisor_pid > 0 &&
           supervise::process_alive(observed.state->supervisor_pid,
                                    observed.state->supervisor_start_time);
}

int run_watch(const GlobalOptions& g, const WatchFlags& f) {
    load::LoadOptions lo = g.absolute_load_options();
    load::LoadedProject loaded = load::load_project(lo);
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
    const std::string project = loaded.project.name;
    lo.project_name = project;
    engine::UpOptions up;
    up.services = f.services;
    if (g.parallel > 0) up.parallel = g.parallel;
    if (!supervisor_running(project)) {
        if (f.no_up)
            throw Error(
                fmt::format("project \"{}\" is not running (drop --no-up to start it)", project));
        auto report =
            engine::launch_detached_supervisor(project, engine::supervise_request(lo, up));
        for (const auto& l : report.lines) std::cout << " " << l << '\n';
        std::cout.flush();
        if (!report.ok) {
            std::cerr << "stack: " << report.error << '\n';
            return 1;
        }
    }
    return watch_running_project(lo, up, loaded);
}

}  // namespace

void register_watch(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand(
        "watch", "Follow the stack files and develop.watch sources of a running project");
    auto f = std::make_shared<WatchFlags>();
    cmd->add_flag("--no-up", f->no_up, "Do not start the project first; it must be running");
    cmd->add_option("services", f->services, "Services to keep up (default: all)");
    cmd->callback([&ctx, f] { ctx.exit_code = run_watch(ctx.global, *f); });
}

}  // namespace stk::cli
