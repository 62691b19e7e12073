// start, stop, restart, kill, pause, unpause, rm, wait: requests to the project's supervisor
// (engine/supervisor_commands.cpp), which keeps order, restart policies and state. stop and
// kill also work when the supervisor is gone: the recorded containers are reached by name.
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
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/signal_names.hpp"
#include "runtime/container.hpp"
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

// The recorded containers of the selected services (all when none is named).
std::vector<supervise::ContainerRecord> selected(const supervise::ProjectState& st,
                                                 const std::vector<std::string>& services) {
    if (services.empty()) return st.containers;
    std::vector<supervise::ContainerRecord> out;
    for (const auto& s : services)
        for (auto& c : service_containers(st, s)) out.push_back(std::move(c));
    return out;
}

// stop / kill without a supervisor: straight to the runtime.
int without_supervisor(const std::string& project, const std::string& op, const Flags& f,
                       output::ProgressRenderer& progress) {
    auto st = require_state(project);
    int code = 0;
    for (const auto& c : selected(st, f.services)) {
        auto live = runtime::find_container(c.name);
        if (!live || live->status == runtime::Status::Exited) continue;
        try {
            if (op == "kill") {
                runtime::kill_container(c.name, engine::parse_signal(f.signal));
                progress.event({"Container", c.name, "Killed", {}});
            } else {
                std::optional<std::chrono::milliseconds> grace;
                if (f.timeout_s >= 0) grace = std::chrono::seconds(f.timeout_s);
                progress.event({"Container", c.name, "Stopping", {}});
                runtime::stop_container(c.name, grace);
                progress.event({"Container", c.name, "Stopped", {}});
            }
        } catch (const std::exception& e) {
            progress.event({"Container", c.name, "Error", {}});
            std::cerr << "stack: " << e.what() << '\n';
            code = 1;
        }
    }
    progress.finish();
    return code;
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
        nlohmann::json stop = request("stop_services", f);
        if (auto r = engine::send_control_request(project, stop); r && print_reply(*r, *progress) != 0)
            return 1;
    }
    auto reply = engine::send_control_request(project, req);
    if (!reply) {
        if (op == "stop_services") return without_supervisor(project, "stop", f, *progress);
        if (op == "kill") return without_supervisor(project, "kill", f, *progress);
        throw Error(fmt::format("project \"{}\" is not running", project));
    }
    return print_reply(*reply, *progress);
}

// compose's `wait`: the exit code of the first selected container.
int run_wait(const GlobalOptions& g, const Flags& f) {
    const std::string project = output::target_project(g);
    nlohmann::json req = request("wait", f);
    req["first"] = f.down_project;
    nlohmann::json reply = supervisor_request(project, req);
    if (!reply.value("ok", false)) return print_reply(reply);
    int code = 0;
    bool first = true;
    for (const auto& c : reply.value("containers", nlohmann::json::array())) {
        if (first) code = c.value("exit_code", 0);
        first = false;
        std::cout << c.value("exit_code", 0) << '\n';
    }
    std::cout.flush();
    if (f.down_project && down_project(g, DownFlags{}) != 0) return 1;
    return code;
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
