// `stack inspect SERVICE|CONTAINER...`: a JSON array with each container's state, config and
// health log (docker's key names), from the project's state and the runtime's record.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/plan/observe.hpp"
#include "runtime/container.hpp"

namespace stk::cli {
namespace {

nlohmann::json inspect_one(const supervise::ContainerRecord& r, bool alive) {
    nlohmann::json state{{"Status", alive ? r.status : (r.status == "running" ? "dead" : r.status)},
                         {"Running", alive && r.status == "running"},
                         {"Paused", r.status == "paused"},
                         {"Restarting", r.status == "restarting"},
                         {"Pid", alive ? r.pid : 0},
                         {"ExitCode", r.exit_code.value_or(0)},
                         {"StartedAtNano", r.started_at},
                         {"FinishedAtNano", r.finished_at},
                         {"RestartCount", r.restart_count}};
    if (r.health) {
        nlohmann::json log = nlohmann::json::array();
        for (const auto& p : r.health->log)
            log.push_back({{"StartNano", p.start}, {"EndNano", p.end}, {"ExitCode", p.exit_code},
                           {"Output", p.output}});
        state["Health"] = {{"Status", r.health->status},
                           {"FailingStreak", r.health->failing_streak},
                           {"Log", log}};
    }
    nlohmann::json networks = nlohmann::json::object();
    for (const auto& [net, addr] : r.addresses) networks[net] = {{"IPAddress", addr}};
    nlohmann::json ports = nlohmann::json::object();
    for (const auto& p : r.ports)
        ports[std::to_string(p.container_port) + "/" + p.protocol].push_back(
            {{"HostIp", p.host_ip}, {"HostPort", std::to_string(p.host_port)}});
    nlohmann::json out{{"Name", r.name},
                       {"Service", r.service},
                       {"State", state},
                       {"NetworkSettings", {{"Networks", networks}, {"Ports", ports}}},
                       {"ConfigHash", r.config_hash}};
    if (auto live = runtime::find_container(r.name)) {
        out["Created"] = live->created_at;
        out["State"]["StartedAt"] = live->started_at;
        out["State"]["FinishedAt"] = live->finished_at;
        if (live->exit) out["State"]["OOMKilled"] = live->exit->oom_killed;
        out["Config"] = {{"Cmd", live->command},      {"Env", live->env},
                         {"WorkingDir", live->cwd},   {"User", live->user},
                         {"Labels", live->labels},    {"StopSignal", live->stop_signal},
                         {"Rootfs", live->rootfs}};
    }
    return out;
}

int run_inspect(const GlobalOptions& g, const std::vector<std::string>& names) {
    const std::string project = output::target_project(g);
    auto st = require_state(project);
    auto alive = plan::live_containers(st);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : names) {
        auto r = container_or_service(st, n);
        out.push_back(inspect_one(r, alive.count(r.name) != 0));
    }
    std::cout << out.dump(2) << '\n';
    return 0;
}

}  // namespace

void register_inspect(CLI::App& app, CommandContext& ctx) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("inspect", "JSON of containers: state, config, health log");
    cmd->add_option("names", *names, "Services or container names")->required();
    cmd->callback([&ctx, names] { ctx.exit_code = run_inspect(ctx.global, *names); });
}

}  // namespace stk::cli
