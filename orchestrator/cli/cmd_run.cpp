// `stack run SERVICE [CMD...]`: a one-off container `<project>-<service>-run-<id>`. Its
// dependencies are brought up first through the supervisor (converge, or a new detached
// supervisor); the supervisor gives it a network namespace, address, DNS name and published
// ports (`run_prepare`); this process creates and runs the container itself, so stdio and a
// terminal are its own, and exits with the container's code. `down` removes one-offs too.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/container_runner.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/load/units.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct RunFlags {
    bool rm = false, detach = false, no_deps = false, service_ports = false, no_tty = false;
    std::vector<std::string> env, volumes, publish, labels;
    std::string entrypoint, name, user, workdir;
    std::string service;
    std::vector<std::string> command;
};

std::string one_off_name(const std::string& project, const std::string& service) {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(::getpid()));
    return fmt::format("{}-{}-run-{:012x}", project, service, gen() & 0xffffffffffffULL);
}

// The service as `run`'s flags change it.
model::Service one_off_service(model::Service svc, const RunFlags& f) {
    if (!f.command.empty()) svc.command = model::CommandLine{f.command, false};
    if (!f.entrypoint.empty()) svc.entrypoint = model::CommandLine{load::shell_split(f.entrypoint), true};
    for (const auto& e : f.env) {
        auto eq = e.find('=');
        if (eq != std::string::npos) {
            svc.environment[e.substr(0, eq)] = e.substr(eq + 1);
        } else if (const char* v = std::getenv(e.c_str())) {
            svc.environment[e] = std::string(v);
        }
    }
    for (const auto& l : f.labels) {
        auto eq = l.find('=');
        svc.labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
    }
    for (const auto& v : f.volumes) {
        model::VolumeMount m = load::parse_volume_spec(v);
        if (m.type == "bind" && std::filesystem::path(m.source).is_relative())
            m.source = std::filesystem::absolute(m.source).string();
        svc.volumes.push_back(m);
    }
    if (!f.user.empty()) svc.user = f.user;
    if (!f.workdir.empty()) svc.working_dir = f.workdir;
    if (!f.service_ports) svc.ports.clear();
    for (const auto& p : f.publish)
        for (auto& m : load::parse_port_spec(p)) svc.ports.push_back(m);
    return svc;
}

// Brings up `deps` (and nothing else) through the project's supervisor, starting one if needed.
void ensure_dependencies(const load::LoadOptions& lo, const std::string& project,
                         const std::vector<std::string>& deps) {
    engine::UpOptions up;
    up.services = deps;
    up.only_selected = true;
    if (!deps.empty()) {
        nlohmann::json converge{{"op", "converge"}, {"load", engine::load_options_to_json(lo)}, {"up", up}};
        if (auto reply = engine::send_control_request(project, converge)) {
            for (const auto& l : reply->value("lines", std::vector<std::string>{}))
                std::cerr << " " << l << '\n';
            if (!reply->value("ok", false))
                throw Error(reply->value("error", "starting the dependencies failed"));
            return;
        }
    } else if (engine::send_control_request(project, {{"op", "ps"}})) {
        return;
    }
    auto report = engine::launch_detached_supervisor(project, engine::supervise_request(lo, up));
    for (const auto& l : report.lines) std::cerr << " " << l << '\n';
    if (!report.ok) throw Error(report.error);
}

int run_one_off(const GlobalOptions& g, const RunFlags& f) {
    load::LoadOptions lo = g.absolute_load_options();
    load::LoadedProject loaded = load::load_project(lo);
    const model::Project& project = loaded.project;
    lo.project_name = project.name;
    const model::Service* base = project.find_service(f.service);
    if (!base) throw Error(fmt::format("no such service: {}", f.service));
    model::Service svc = one_off_service(*base, f);

    std::vector<std::string> deps;
    if (!f.no_deps)
        for (const auto& n : loaded.graph.with_dependencies({f.service}).nodes())
            if (n != f.service) deps.push_back(n);
    ensure_dependencies(lo, project.name, deps);

    const std::string name = f.name.empty() ? one_off_name(project.name, f.service) : f.name;
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& p : svc.ports)
        ports.push_back({{"target", p.target}, {"published", p.published},
                         {"host_ip", p.host_ip}, {"protocol", p.protocol.empty() ? "tcp" : p.protocol}});
    nlohmann::json prep = supervisor_request(
        project.name, {{"op", "run_prepare"}, {"name", name}, {"service", f.service}, {"ports", ports}});
    if (!prep.value("ok", false)) throw Error(prep.value("error", "run_prepare failed"));
    auto release = [&] {
        try {
            engine::send_control_request(project.name, {{"op", "run_release"}, {"name", name}});
        } catch (const std::exception& e) {
            std::cerr << "stack: release " << name << ": " << e.what() << '\n';
        }
    };

    engine::InstanceInputs in;
    in.project = &project;
    in.service = &svc;
    in.name = name;
    in.dir = prep.value("dir", "");
    in.netns_path = prep.value("netns_path", "");
    runtime::ContainerSpec spec;
    try {
        spec = engine::build_container_spec(in);
    } catch (...) {
        release();
        throw;
    }
    spec.hosts_file = in.dir / "hosts";
    if (std::filesystem::exists(in.dir / "resolv.conf")) spec.resolv_conf_file = in.dir / "resolv.conf";
    spec.labels["com.docker.compose.oneoff"] = "True";
    spec.process.tty = !f.no_tty && !f.detach && ::isatty(0);
    if (f.detach) return run_detached(std::move(spec), f.rm);
    if (!spec.process.tty) {
        spec.output.stdout_fd = 1;
        spec.output.stderr_fd = 2;
    }
    int code = kStackFailed;
    try {
        code = run_foreground(spec, false);
    } catch (...) {
        release();
        throw;
    }
    if (f.rm) release();  // the supervisor removes the container with its network
    return code;
}

}  // namespace

void register_run(CLI::App& app, CommandContext& ctx) {
    auto f = std::make_shared<RunFlags>();
    auto* cmd = app.add_subcommand("run", "Run a one-off command in a new container of a service");
    cmd->positionals_at_end();
    cmd->add_flag("--rm", f->rm, "Remove the container when it exits");
    cmd->add_flag("-d,--detach", f->detach, "Run in the background, print the container name");
    cmd->add_flag("--no-deps", f->no_deps, "Do not start the service's dependencies");
    cmd->add_flag("-P,--service-ports", f->service_ports, "Publish the service's ports");
    cmd->add_flag("-T,--no-TTY", f->no_tty, "No pseudo-terminal (default: one when stdin is a terminal)");
    cmd->add_option("-e,--env", f->env, "Set an environment variable (K=V, or K from here)")
        ->allow_extra_args(false);
    cmd->add_option("-v,--volume", f->volumes, "Bind mount or volume (SRC:DST[:ro])")
        ->allow_extra_args(false);
    cmd->add_option("-p,--publish", f->publish, "Publish a port ([IP:][HOST:]CONTAINER[/proto])")
        ->allow_extra_args(false);
    cmd->add_option("-l,--label", f->labels, "Add a label (K=V)")->allow_extra_args(false);
    cmd->add_option("--entrypoint", f->entrypoint, "Override the entrypoint");
    cmd->add_option("--name", f->name, "Container name");
    cmd->add_option("-u,--user", f->user, "Run as this user (name or uid[:gid])");
    cmd->add_option("-w,--workdir", f->workdir, "Working directory inside the container");
    cmd->add_option("service", f->service, "Service")->required();
    cmd->add_option("command", f->command, "Command and arguments (default: the service's)");
    cmd->callback([&ctx, f] { ctx.exit_code = run_one_off(ctx.global, *f); });
}

}  // namespace stk::cli
