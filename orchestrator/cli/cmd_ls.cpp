// `stack ls`: every project on the machine with a state file under the run root.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/output/container_view.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "orchestrator/plan/observe.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

struct LsFlags {
    std::string format = "table";
    bool all = false;
    bool quiet = false;
};

struct ProjectRow {
    std::string name;
    std::string status;
    std::string config_files;
};

std::string join(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

int run_ls(const LsFlags& f) {
    std::vector<ProjectRow> rows;
    for (const auto& name : supervise::list_projects(run_root())) {
        plan::Observed observed;
        try {
            observed = plan::observe(run_root(), name);
        } catch (const Error& e) {
            std::cerr << "warning: project \"" << name << "\": " << e.what() << '\n';
            continue;
        }
        if (!observed.state) continue;  // removed between listing and reading
        auto live = output::with_live_status(*observed.state, observed.alive);
        const bool running = !observed.alive.empty();
        if (!f.all && !running) continue;
        rows.push_back({name, supervise::status_summary(live), join(live.config_files, ",")});
    }
    if (f.quiet) {
        for (const auto& r : rows) std::cout << r.name << '\n';
    } else if (f.format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows) {
            out.push_back(
                {{"Name", r.name}, {"Status", r.status}, {"ConfigFiles", r.config_files}});
        }
        std::cout << out.dump() << '\n';
    } else {
        output::Table table({"NAME", "STATUS", "CONFIG FILES"});
        for (const auto& r : rows) table.add_row({r.name, r.status, r.config_files});
        std::cout << table.render();
    }
    return 0;
}

}  // namespace

void register_ls(CLI::App& app, CommandContext& ctx) {
    auto flags = std::make_shared<LsFlags>();
    auto* cmd = app.add_subcommand("ls", "List the projects on this machine");
    cmd->add_option("--format", flags->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->add_flag("-a,--all", flags->all, "Show stopped projects too");
    cmd->add_flag("-q,--quiet", flags->quiet, "Only the project names");
    cmd->callback([&ctx, flags] { ctx.exit_code = run_ls(*flags); });
}

}  // namespace stk::cli
