// `stack down`: through the supervisor's control socket when it runs, else from the state on
// disk (and by name), so that nothing is left even after the supervisor was killed.
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/progress_renderer.hpp"
#include "orchestrator/cli/project_down.hpp"
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/teardown.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

// Waits (bounded) for the supervisor process to be gone after it answered `down`.
void wait_for_exit(int pid, uint64_t start_time) {
    if (pid <= 0 || !supervise::process_alive(pid, start_time)) return;
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) return;
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10'000);
    ::close(fd);
}

}  // namespace

int down_project(const GlobalOptions& g, const DownFlags& f) {
    std::optional<load::LoadedProject> loaded;
    std::string project = g.project_name;
    try {
        loaded = load::load_project(g.load_options());
        project = loaded->project.name;
    } catch (const std::exception& e) {
        if (project.empty()) throw;  // no file and no -p: nothing names the project
    }
    engine::DownOptions opts;
    if (f.timeout_s >= 0) opts.timeout = std::chrono::seconds(f.timeout_s);
    opts.volumes = f.volumes;
    opts.remove_orphans = f.remove_orphans;

    supervise::StateStore store(run_root(), project);
    std::optional<supervise::ProjectState> state;
    try {
        state = store.load();
    } catch (const std::exception&) {
    }
    nlohmann::json req{{"op", "down"}, {"volumes", opts.volumes},
                       {"remove_orphans", opts.remove_orphans}};
    if (opts.timeout) req["timeout_ms"] = opts.timeout->count();
    std::optional<nlohmann::json> reply;
    auto progress = output::make_progress_renderer(g);
    bool streamed = false;
    try {
        // Bounded: a stuck supervisor must not hang `down` (the disk path below then cleans).
        reply = engine::send_control_request(project, req, std::chrono::minutes(5),
                                             [&](const std::string& line) {
                                                 streamed = true;
                                                 progress->line(line);
                                             });
    } catch (const std::exception& e) {
        std::cerr << "stack: the supervisor did not answer (" << e.what()
                  << "): cleaning up from disk\n";
    }
    int code = 0;
    if (reply) {
        if (state) wait_for_exit(state->supervisor_pid, state->supervisor_start_time);
        if (!streamed)
            for (const auto& l : reply->value("lines", std::vector<std::string>{})) progress->line(l);
        if (!reply->value("ok", false)) {
            std::cerr << "stack: " << reply->value("error", "down failed") << '\n';
            code = 1;
        }
    }
    // Whatever the supervisor could not remove (or everything, when it is gone).
    auto report = engine::teardown_from_disk(project, opts, loaded ? &loaded->project : nullptr);
    for (const auto& l : report.removed) progress->line(l);
    progress->finish();
    for (const auto& e : report.errors) std::cerr << "stack: " << e << '\n';
    if (!report.errors.empty()) code = 1;
    return code;
}

void register_down(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("down", "Stop and remove containers, networks and volumes");
    auto f = std::make_shared<DownFlags>();
    cmd->add_flag("-v,--volumes", f->volumes, "Remove named volumes too");
    cmd->add_option("-t,--timeout", f->timeout_s, "Stop grace period in seconds");
    cmd->add_flag("--remove-orphans", f->remove_orphans, "Remove services not in the file");
    cmd->callback([&ctx, f] { ctx.exit_code = down_project(ctx.global, *f); });
}

}  // namespace stk::cli
