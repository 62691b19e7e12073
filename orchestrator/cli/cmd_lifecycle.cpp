// start, stop, restart, kill, pause, unpause, rm, wait: requests to the project's supervisor
// (engine/supervisor_commands.cpp), which keeps order, restart policies and state, with its
// progress shown as it happens. When no supervisor runs, each works from the state on disk
// (project_offline.hpp); start and restart bring a supervisor back.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/progress_renderer.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/cli/project_down.hpp"
#include "orchestrator/cli/project_offline.hpp"
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/signal_names.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct Flags {
    std::vector<std::string> services;
    int timeout_s = -1;
    std::string signal = "SIGKILL";
    bool force = false, stop = false, volumes = false, down_project = false;
};

nlohmann::json request(const std::string& op, const Flags& f) {
    nlohmann::json r{{"op", op}, {"services", f.services}};
    if (f.timeout_s >= 0) r["timeout_ms"] = int64_t{f.timeout_s} * 1000;
    if (op == "rm") r["volumes"] = f.volumes;
    return r;
}

std::optional<std::chrono::milliseconds> grace_of(const Flags& f) {
    if (f.timeout_s < 0) return std::nullopt;
    return std::chrono::seconds(f.timeout_s);
}

// No supervisor runs the project: the same command from the state on disk.
int without_supervisor(const GlobalOptions& g, const std::string& project, const std::string& op,
                       const Flags& f, output::ProgressRenderer& progress) {
    if (op == "stop_services") return stop_offline(project, f.services, grace_of(f), progress);
    if (op == "kill") return kill_offline(project, f.services, engine::parse_signal(f.signal), progress);
    if (op == "start_services") return start_offline(g, project, f.services, progress);
    if (op == "restart_services") return restart_offline(g, project, f.services, grace_of(f), progress);
    if (op == "pause" || op == "unpause") return pause_offline(project, f.services, op == "pause", progress);
    if (op == "rm") return rm_offline(project, f.services, f.volumes, progress);
    throw Error(fmt::format("project \"{}\" is not running", project));
}

// Sends `req`, rendering the supervisor's progress lines as they come; the command's exit code,
// or nullopt when no supervisor listens.
std::optional<int> through_supervisor(const std::string& project, const nlohmann::json& req,
                                      output::ProgressRenderer& progress) {
    bool streamed = false;
    auto reply = engine::send_control_request(project, req, std::nullopt,
                                              [&](const std::string& line) {
                                                  streamed = true;
                                                  progress.line(line);
                                              });
    if (!reply) return std::nullopt;
    return print_reply(*reply, progress, streamed);
}

int run_op(const GlobalOptions& g, const std::string& op, const Flags& f) {
    const std::string project = output::target_project(g);
    nlohmann::json req = request(op, f);
    if (op == "kill") {
        engine::parse_signal(f.signal);  // a bad name fails here, with the name
        req["signal"] = f.signal;
    }
    auto progress = output::make_progress_renderer(g);
    if (op == "rm" && f.stop) {
        auto stopped = through_supervisor(project, request("stop_services", f), *progress);
        if (!stopped) stopped = stop_offline(project, f.services, grace_of(f), *progress);
        if (*stopped != 0) return 1;
    }
    if (auto code = through_supervisor(project, req, *progress)) return *code;
    return without_supervisor(g, project, op, f, *progress);
}

// compose's `wait`: the exit code of the first selected container.
int run_wait(const GlobalOptions& g, const Flags& f) {
    const std::string project = output::target_project(g);
    nlohmann::json req = request("wait", f);
    req["first"] = f.down_project;
    std::vector<std::pair<std::string, int>> codes;
    if (auto reply = engine::send_control_request(project, req)) {
        if (!reply->value("ok", false)) return print_reply(*reply);
        for (const auto& c : reply->value("containers", nlohmann::json::array()))
            codes.emplace_back(c.value("name", ""), c.value("exit_code", 0));
    } else {
        codes = exit_codes_offline(project, f.services);  // already exited: the recorded codes
        if (f.down_project && !codes.empty()) codes.resize(1);
    }
    for (const auto& [name, code] : codes) std::cout << code << '\n';
    std::cout.flush();
    if (f.down_project && down_project(g, DownFlags{}) != 0) return 1;
    return codes.empty() ? 0 : codes.front().second;
}

CLI::App* add(CLI::App& app, CommandContext& ctx, const std::string& name, const std::string& op,
              const std::string& help, std::shared_ptr<Flags> f) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("services", f->services, "Services (default: all)");
    cmd->callback([&ctx, op, f] { ctx.exit_code = run_op(ctx.global, op, *f); });
    return cmd;
}

}  // namespace

void register_lifecycle(CLI::App& app, CommandContext& ctx) {
    add(app, ctx, "start", "start_services", "Start existing containers", std::make_shared<Flags>());
    {
        auto f = std::make_shared<Flags>();
        add(app, ctx, "stop", "stop_services",
            "Stop containers (dependants first) without removing them", f)
            ->add_option("-t,--timeout", f->timeout_s, "Seconds before SIGKILL");
    }
    {
        auto f = std::make_shared<Flags>();
        add(app, ctx, "restart", "restart_services",
            "Restart containers (with their `restart: true` dependants)", f)
            ->add_option("-t,--timeout", f->timeout_s, "Seconds before SIGKILL");
    }
    {
        auto f = std::make_shared<Flags>();
        add(app, ctx, "kill", "kill", "Send a signal to the services' containers", f)
            ->add_option("-s,--signal", f->signal, "Signal name or number (default SIGKILL)");
    }
    add(app, ctx, "pause", "pause", "Freeze the services' containers (cgroup freezer)",
        std::make_shared<Flags>());
    add(app, ctx, "unpause", "unpause", "Thaw paused containers", std::make_shared<Flags>());
    {
        auto f = std::make_shared<Flags>();
        auto* cmd = add(app, ctx, "rm", "rm", "Remove stopped containers", f);
        cmd->add_flag("-f,--force", f->force, "Do not ask (stack never asks)");
        cmd->add_flag("-s,--stop", f->stop, "Stop the containers first");
        cmd->add_flag("-v,--volumes", f->volumes, "Remove their anonymous volumes too");
    }
    {
        auto f = std::make_shared<Flags>();
        auto* cmd = app.add_subcommand("wait", "Wait for the services' containers to stop; "
                                               "exit with the first one's code");
        cmd->add_option("services", f->services, "Services")->required();
        cmd->add_flag("--down-project", f->down_project,
                      "Take the project down when the first container stops");
        cmd->callback([&ctx, f] { ctx.exit_code = run_wait(ctx.global, *f); });
    }
}

}  // namespace stk::cli
