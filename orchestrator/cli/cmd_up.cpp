// `stack up`: attached (this process supervises and streams logs until Ctrl-C), detached (a
// `stack __supervise` process in the background), or `converge` sent to the supervisor that
// already runs the project.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "image/registry/progress.hpp"
#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/progress_renderer.hpp"
#include "orchestrator/cli/project_build.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/cli/watch_client.hpp"
#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/engine/image_pull.hpp"
#include "orchestrator/engine/supervisor.hpp"
#include "orchestrator/engine/up_services.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/plan/observe.hpp"
#include "orchestrator/plan/reconcile.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

struct UpFlags {
    bool detach = false;
    bool wait = false;
    int wait_timeout_s = 0;
    bool no_start = false;
    bool force_recreate = false;
    bool no_recreate = false;
    bool no_deps = false;
    bool remove_orphans = false;
    std::vector<std::string> scale;
    bool abort_on_exit = false;
    bool abort_on_failure = false;
    std::string exit_code_from;
    int timeout_s = -1;
    bool no_color = false;
    bool no_log_prefix = false;
    bool dry_run = false;
    std::string pull;  // "" (each service's pull_policy), always, missing, never
    bool build = false;
    bool no_build = false;
    bool watch = false;
    std::vector<std::string> services;
};

engine::UpOptions up_options(const UpFlags& f, const GlobalOptions& g) {
    engine::UpOptions o;
    o.services = f.services;
    o.no_start = f.no_start;
    o.force_recreate = f.force_recreate;
    o.no_recreate = f.no_recreate;
    o.no_deps = f.no_deps;
    o.remove_orphans = f.remove_orphans;
    o.wait = f.wait;
    if (f.wait_timeout_s > 0) o.wait_timeout = std::chrono::seconds(f.wait_timeout_s);
    if (f.timeout_s >= 0) o.timeout = std::chrono::seconds(f.timeout_s);
    o.parallel = g.parallel > 0 ? g.parallel : 0;
    for (const auto& s : f.scale) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(fmt::format("--scale \"{}\": expected SERVICE=N", s));
        try {
            int n = std::stoi(s.substr(eq + 1));
            if (n < 0) throw std::out_of_range("negative");
            o.scale[s.substr(0, eq)] = n;
        } catch (const std::exception&) {
            throw Error(fmt::format("--scale \"{}\": N must be a number >= 0", s));
        }
    }
    return o;
}

// The same decision `up` takes, printed instead of carried out (orchestrator/plan).
void print_dry_run(const load::LoadedProject& loaded, const engine::UpOptions& up) {
    plan::Plan p = plan::reconcile(loaded.project, loaded.graph, up,
                                   plan::observe(run_root(), loaded.project.name));
    std::cout << p.to_string();
}

// Pulls what the services' pull_policy (or --pull) asks for, before anything is started.
void pull_images(const load::LoadedProject& loaded, const UpFlags& f, const GlobalOptions& g) {
    auto services = engine::image_services(loaded.project, loaded.graph, f.services, f.no_deps);
    std::optional<engine::PullPolicy> policy;
    if (!f.pull.empty()) policy = engine::parse_pull_policy(f.pull);
    image::ImageStore store;
    auto items = engine::plan_up_pulls(services, policy, [&](const image::Reference& r) {
        return store.find(r).has_value();
    });
    auto progress = image::registry::make_progress(g.progress, stderr);
    engine::run_pulls(items, *progress, /*keep_going=*/false);
}

int run_up(const GlobalOptions& g, const UpFlags& f) {
    load::LoadOptions lo = g.absolute_load_options();
    load::LoadedProject loaded = load::load_project(lo);
    for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
    for (const auto& svc : loaded.project.services)
        for (const auto& key : engine::unhonoured_keys(svc))
            std::cerr << fmt::format("WARN service \"{}\": \"{}\" is not honoured yet and is "
                                     "ignored\n",
                                     svc.name, key);
    engine::UpOptions up = up_options(f, g);
    if (f.dry_run) {
        print_dry_run(loaded, up);
        return 0;
    }
    pull_images(loaded, f, g);
    const std::string project = loaded.project.name;
    lo.project_name = project;

    // Images of `build:` services first: with --build the named ones, and any that up starts
    // whose image is missing (or whose pull_policy is build).
    if (!f.no_build) {
        image::ImageStore store;
        auto started = engine::up_services(loaded.project, loaded.graph, f.services, f.no_deps);
        auto todo = engine::up_build_services(store, loaded.project, started, f.services, f.build);
        int code = build_project_services(loaded.project, todo, engine::ServiceBuildOptions{}, false);
        if (code != 0) return code;
    }

    // A supervisor already runs the project: it converges to the new file.
    nlohmann::json converge{{"op", "converge"},
                            {"load", engine::load_options_to_json(lo)},
                            {"up", up}};
    auto progress = output::make_progress_renderer(g);
    bool streamed = false;  // every line of the report came as it happened
    auto stream = [&progress, &streamed](const std::string& line) {
        streamed = true;
        progress->line(line);
    };
    auto show = [&progress, &streamed](const engine::ReadyReport& r) {
        if (!streamed)
            for (const auto& l : r.lines) progress->line(l);
        progress->finish();
        if (!r.ok) std::cerr << "stack: " << r.error << '\n';
        std::cout.flush();
    };
    if (auto reply = engine::send_control_request(project, converge)) {
        for (const auto& l : reply->value("lines", std::vector<std::string>{})) progress->line(l);
        progress->finish();
        if (!reply->value("ok", false)) {
            std::cerr << "stack: " << reply->value("error", "converge failed") << '\n';
            return 1;
        }
        if (f.watch) return watch_running_project(lo, up, loaded);
        return 0;
    }

    if (f.detach) return launch_supervisor(project, engine::supervise_request(lo, up), *progress);

    engine::SupervisorOptions opts;
    opts.load = lo;
    opts.up = up;
    opts.attached = true;
    opts.log_format.color = !f.no_color && g.ansi != "never" && (g.ansi == "always" || ::isatty(1));
    opts.log_format.prefix = !f.no_log_prefix;
    opts.abort_on_container_exit = f.abort_on_exit;
    opts.abort_on_container_failure = f.abort_on_failure;
    opts.exit_code_from = f.exit_code_from;
    opts.watch = f.watch;
    opts.on_progress = stream;
    opts.hold_logs_until_ready = output::progress_mode(g) == output::ProgressMode::Tty;
    engine::Supervisor supervisor(std::move(loaded), opts);
    return supervisor.run(show);
}

}  // namespace

void register_up(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("up", "Create and start the services");
    auto f = std::make_shared<UpFlags>();
    cmd->add_flag("-d,--detach", f->detach, "Run in the background");
    cmd->add_flag("--wait", f->wait, "Wait for services to be running or healthy (implies -d)");
    cmd->add_option("--wait-timeout", f->wait_timeout_s, "Seconds to wait with --wait");
    cmd->add_flag("--no-start", f->no_start, "Create the containers without starting them");
    cmd->add_flag("--force-recreate", f->force_recreate, "Recreate even unchanged containers");
    cmd->add_flag("--no-recreate", f->no_recreate, "Keep existing containers even if changed");
    cmd->add_flag("--no-deps", f->no_deps, "Do not start the services' dependencies");
    cmd->add_flag("--remove-orphans", f->remove_orphans, "Remove services not in the file");
    cmd->add_option("--scale", f->scale, "SERVICE=N replicas")->allow_extra_args(false);
    cmd->add_flag("--abort-on-container-exit", f->abort_on_exit,
                  "Stop everything when a container exits");
    cmd->add_flag("--abort-on-container-failure", f->abort_on_failure,
                  "Stop everything when a container exits with a non-zero code");
    cmd->add_option("--exit-code-from", f->exit_code_from,
                    "Return this service's exit code (implies --abort-on-container-exit)");
    cmd->add_option("-t,--timeout", f->timeout_s, "Stop grace period in seconds");
    cmd->add_flag("--no-color", f->no_color, "Monochrome output");
    cmd->add_flag("--no-log-prefix", f->no_log_prefix, "No name prefix on log lines");
    cmd->add_flag("--dry-run", f->dry_run, "Print the plan and exit");
    cmd->add_option("--pull", f->pull, "Pull images: always, missing, never (default: each "
                                       "service's pull_policy)")
        ->check(CLI::IsMember({"always", "missing", "never"}));
    cmd->add_flag("--build", f->build, "Build images before starting containers");
    cmd->add_flag("--no-build", f->no_build, "Do not build an image, even when missing");
    cmd->add_flag("-w,--watch", f->watch,
                  "Follow the stack files and develop.watch sources: converge on every save");
    cmd->add_option("services", f->services, "Services to start (default: all)");
    cmd->callback([&ctx, f] {
        if (f->wait) f->detach = true;
        if (f->detach && (f->abort_on_exit || f->abort_on_failure || !f->exit_code_from.empty()))
            throw Error("--abort-on-container-exit, --abort-on-container-failure and "
                        "--exit-code-from cannot be combined with -d/--wait");
        if (f->detach && f->watch)
            throw Error("--watch cannot be combined with -d/--wait (use `stack watch` to follow "
                        "a detached project)");
        ctx.exit_code = run_up(ctx.global, *f);
    });
}

}  // namespace stk::cli
