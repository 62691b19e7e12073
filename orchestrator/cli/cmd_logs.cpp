// `stack logs`: the containers' log files merged in time order, optionally followed.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <set>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/log_follower.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/plan/observe.hpp"
#include "orchestrator/supervise/logs/log_prefixer.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

struct LogsFlags {
    bool follow = false;
    std::string tail = "all";
    bool timestamps = false;
    std::string since;
    bool no_color = false;
    bool no_prefix = false;
    std::vector<std::string> services;
};

std::optional<size_t> parse_tail(const std::string& text) {
    if (text == "all" || text == "-1") return std::nullopt;
    try {
        size_t used = 0;
        long long n = std::stoll(text, &used);
        if (used == text.size() && n >= 0) return static_cast<size_t>(n);
    } catch (const std::exception&) {
    }
    throw Error("--tail \"" + text + "\": expected a number of lines or \"all\"");
}

bool use_color(const GlobalOptions& global, const LogsFlags& f) {
    if (f.no_color || global.ansi == "never") return false;
    if (global.ansi == "always") return true;
    return ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
}

int run_logs(const GlobalOptions& global, const LogsFlags& f) {
    const std::string project = output::target_project(global);
    supervise::LogReadOptions filters;
    filters.tail = parse_tail(f.tail);
    if (!f.since.empty())
        filters.since = supervise::parse_since(f.since, supervise::log_time_now());

    const std::filesystem::path project_dir = run_root() / project;
    auto observed = plan::observe(run_root(), project);
    if (!observed.state) return 0;  // never started or down: nothing to show
    for (const auto& s : f.services) {
        bool known =
            std::any_of(observed.state->containers.begin(), observed.state->containers.end(),
                        [&](const auto& c) { return c.service == s; });
        if (!known) throw Error("no such service: \"" + s + "\" (project \"" + project + "\")");
    }
    auto wanted = [&](const std::string& service) {
        return f.services.empty() ||
               std::find(f.services.begin(), f.services.end(), service) != f.services.end();
    };
    std::vector<supervise::LogSource> sources;
    std::vector<const supervise::ContainerRecord*> records;
    for (const auto& c : observed.state->containers) records.push_back(&c);
    std::sort(records.begin(), records.end(),
              [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* c : records) {
        if (wanted(c->service)) {
            sources.push_back({c->name, project_dir / "logs" / (c->name + ".log")});
        }
    }

    supervise::LogPrefixer prefixer(
        supervise::LogFormat{use_color(global, f), f.timestamps, !f.no_prefix});
    for (const auto& s : sources) prefixer.add(s.name);
    auto emit = [&](const supervise::MergedLogLine& line) {
        std::cout << prefixer.format(line.name, line.record.text, line.record.time);
        return static_cast<bool>(std::cout);
    };

    if (!f.follow) {
        for (const auto& line : supervise::read_merged_logs(sources, filters)) {
            if (!emit(line)) break;
        }
        std::cout.flush();
        return 0;
    }

    output::FollowOptions follow;
    follow.project_dir = project_dir;
    follow.sources = sources;
    follow.filters = filters;
    follow.supervisor_pid = observed.state->supervisor_pid;
    follow.supervisor_start_time = observed.state->supervisor_start_time;
    follow.accept = [&](const std::string& container) -> std::optional<std::string> {
        auto now = supervise::StateStore(run_root(), project).load();
        const auto* c = now ? now->find(container) : nullptr;
        if (!c || !wanted(c->service)) return std::nullopt;
        prefixer.add(container);
        return container;
    };
    // Followed while the supervisor lives: nobody writes the logs without it, and a container
    // that exited may be restarted by it a moment later (the state says "exited" in between).
    follow.running = [&](bool supervisor_exited) {
        if (supervisor_exited) return false;
        auto now = supervise::StateStore(run_root(), project).load();
        return now && supervise::process_alive(now->supervisor_pid, now->supervisor_start_time);
    };
    output::follow_logs(follow, [&](const supervise::MergedLogLine& line) {
        bool ok = emit(line);
        std::cout.flush();
        return ok;
    });
    return 0;
}

}  // namespace

void register_logs(CLI::App& app, CommandContext& ctx) {
    auto flags = std::make_shared<LogsFlags>();
    auto* cmd = app.add_subcommand("logs", "Show the containers' output, merged in time order");
    cmd->add_flag("-f,--follow", flags->follow, "Follow the output until the project is down");
    cmd->add_option("-n,--tail", flags->tail, "Lines from the end of each container's log")
        ->type_name("N|all");
    cmd->add_flag("-t,--timestamps", flags->timestamps, "Show timestamps");
    cmd->add_option("--since", flags->since,
                    "Only lines since a timestamp or a relative time (42m, 1h30m)");
    cmd->add_flag("--no-color", flags->no_color, "Monochrome output");
    cmd->add_flag("--no-log-prefix", flags->no_prefix, "Do not prefix lines with the name");
    cmd->add_option("services", flags->services, "Only these services");
    cmd->callback([&ctx, flags] { ctx.exit_code = run_logs(ctx.global, *flags); });
}

}  // namespace stk::cli
