// `stack __supervise` (hidden): the detached supervisor that `stack up -d` starts.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/engine/supervisor.hpp"
#include "runtime/sys/log.hpp"

namespace stk::cli {

void register_supervise(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("__supervise", "");
    cmd->group("");  // hidden
    auto ready_fd = std::make_shared<int>(-1);
    auto request_fd = std::make_shared<int>(-1);
    cmd->add_option("--ready-fd", *ready_fd)->required();
    cmd->add_option("--request-fd", *request_fd)->required();
    cmd->callback([&ctx, ready_fd, request_fd] {
        int fd = *ready_fd;
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        bool reported = false;
        auto report = [&](const engine::ReadyReport& r) {
            if (reported) return;
            reported = true;
            engine::write_ready_report(fd, r);
        };
        try {
            auto req = engine::read_supervise_request(*request_fd);
            engine::SupervisorOptions opts;
            opts.load = engine::load_options_from_json(req.at("load"));
            opts.up = req.at("up").get<engine::UpOptions>();
            opts.attached = false;
            opts.resume = req.value("resume", false);
            opts.on_progress = [fd, &reported](const std::string& line) {
                if (!reported) engine::write_progress_line(fd, line);
            };
            auto loaded = load::load_project(opts.load);
            engine::Supervisor supervisor(std::move(loaded), opts);
            ctx.exit_code = supervisor.run(report);
            spdlog::info("supervisor of \"{}\" exits", opts.load.project_name.value_or(""));
        } catch (const std::exception& e) {
            engine::ReadyReport r;
            r.ok = false;
            r.error = e.what();
            report(r);
            spdlog::error("{}", e.what());
            ctx.exit_code = 1;
        }
    });
}

}  // namespace stk::cli
