// `stack ps`: the project's containers from the state file (shared lock), each checked against
// its live process, so it answers the same with or without a supervisor.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/container_view.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "orchestrator/plan/observe.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

struct PsFlags {
    std::string format = "table";
    bool all = false;
    bool quiet = false;
    bool services = false;
    std::vector<std::string> status;
    std::vector<std::string> names;  // SERVICE...
};

bool shown(const output::ContainerView& v, const PsFlags& f) {
    if (!f.names.empty() && std::find(f.names.begin(), f.names.end(), v.service) == f.names.end()) {
        return false;
    }
    if (!f.status.empty()) {
        return std::find(f.status.begin(), f.status.end(), v.state) != f.status.end();
    }
    return f.all || v.state == "running" || v.state == "restarting";
}

int run_ps(const GlobalOptions& global, const PsFlags& f) {
    const std::string project = output::target_project(global);
    plan::Observed observed = plan::observe(run_root(), project);
    std::vector<output::ContainerView> views;
    const int64_t now = output::now_ns();
    if (observed.state) {
        for (const auto& r : observed.state->containers) {
            auto v = output::view_container(r, observed.alive.count(r.name) != 0, now);
            if (shown(v, f)) views.push_back(std::move(v));
        }
    }
    std::sort(views.begin(), views.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });

    if (f.quiet) {
        for (const auto& v : views) std::cout << v.name << '\n';
    } else if (f.services) {
        std::set<std::string> services;
        for (const auto& v : views) services.insert(v.service);
        for (const auto& s : services) std::cout << s << '\n';
    } else if (f.format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& v : views) out.push_back(output::to_compose_json(v, project));
        std::cout << out.dump() << '\n';
    } else {
        output::Table table(
            {"NAME", "SERVICE", "STATUS", "HEALTH", "EXIT", "RESTARTS", "UPTIME", "PORTS"});
        for (const auto& v : views) {
            table.add_row({v.name, v.service, v.status, v.health,
                           v.exit_code && v.state != "running" ? std::to_string(*v.exit_code) : "",
                           std::to_string(v.restart_count), v.uptime, v.ports});
        }
        std::cout << table.render();
    }
    return 0;
}

}  // namespace

void register_ps(CLI::App& app, CommandContext& ctx) {
    auto flags = std::make_shared<PsFlags>();
    auto* cmd = app.add_subcommand("ps", "List the project's containers");
    cmd->add_option("--format", flags->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->add_flag("-a,--all", flags->all, "Show stopped containers too");
    cmd->add_flag("-q,--quiet", flags->quiet, "Only the container names");
    cmd->add_flag("--services", flags->services, "Only the service names");
    cmd->add_option("--status", flags->status,
                    "Only containers in this state (created, running, restarting, exited, dead)")
        ->check(CLI::IsMember(
            {"created", "running", "restarting", "exited", "dead", "paused", "removing"}))
        ->allow_extra_args(false);
    cmd->add_option("services", flags->names, "Only these services");
    cmd->callback([&ctx, flags] { ctx.exit_code = run_ps(ctx.global, *flags); });
}

}  // namespace stk::cli
