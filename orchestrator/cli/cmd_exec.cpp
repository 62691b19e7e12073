// `stack exec SERVICE CMD...`: runs a command in a running replica of a service, straight
// through the runtime (no supervisor needed). A pseudo-terminal by default when stdin is a
// terminal (raw mode, resize forwarded, Ctrl-C reaches only the inner command); the exit code
// is the command's, 126/127 when it cannot be executed or found, as docker's.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct ExecFlags {
    bool detach = false;
    bool no_tty = false;
    bool tty = false;  // -t: accepted as compose does (the default on a terminal)
    bool interactive = true;
    std::vector<std::string> env;
    std::string user, workdir;
    bool privileged = false;
    int index = 1;
    std::string service;
    std::vector<std::string> command;
};

// "K=V", or "K" taking the value from this environment (left out when unset), as docker.
std::vector<std::string> env_pairs(const std::vector<std::string>& flags) {
    std::vector<std::string> out;
    for (const auto& e : flags) {
        if (e.find('=') != std::string::npos) {
            out.push_back(e);
        } else if (const char* v = std::getenv(e.c_str())) {
            out.push_back(e + "=" + v);
        }
    }
    return out;
}

int run_exec(const GlobalOptions& g, const ExecFlags& f) {
    const std::string project = output::target_project(g);
    auto rec = service_container(require_state(project), f.service, f.index);
    runtime::ExecSpec spec;
    spec.args = f.command;
    spec.env = env_pairs(f.env);
    spec.user = f.user;
    spec.cwd = f.workdir;
    spec.detach = f.detach;
    spec.privileged = f.privileged;
    spec.tty = !f.no_tty && !f.detach && ::isatty(0);
    auto live = runtime::find_container(rec.name);
    if (!live || live->status != runtime::Status::Running)
        throw Error(fmt::format("service \"{}\" is not running (container {})", f.service, rec.name));
    try {
        return runtime::exec_in(rec.name, spec).exit_code();
    } catch (const Error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) {
            std::cerr << "stack: " << e.what() << '\n';
            return 127;
        }
        if (e.code() == std::errc::permission_denied) {
            std::cerr << "stack: " << e.what() << '\n';
            return 126;
        }
        throw;
    }
}

}  // namespace

void register_exec(CLI::App& app, CommandContext& ctx) {
    auto f = std::make_shared<ExecFlags>();
    auto* cmd = app.add_subcommand("exec", "Run a command in a running service container");
    cmd->positionals_at_end();
    cmd->add_flag("-d,--detach", f->detach, "Run the command in the background");
    cmd->add_option("-e,--env", f->env, "Set an environment variable (K=V, or K from here)")
        ->allow_extra_args(false);
    cmd->add_option("-u,--user", f->user, "Run as this user (name or uid[:gid])");
    cmd->add_option("-w,--workdir", f->workdir, "Working directory inside the container");
    cmd->add_flag("-T,--no-TTY", f->no_tty, "No pseudo-terminal (default: one when stdin is a terminal)");
    cmd->add_flag("-t,--tty", f->tty, "A pseudo-terminal when stdin is a terminal (the default)");
    cmd->add_flag("-i,--interactive", f->interactive, "Keep stdin open (the default)");
    cmd->add_flag("--privileged", f->privileged,
                  "Every capability and no seccomp filter, for this command only");
    cmd->add_option("--index", f->index, "Replica to run in (from 1)")->check(CLI::PositiveNumber);
    cmd->add_option("service", f->service, "Service")->required();
    cmd->add_option("command", f->command, "Command and arguments")->required();
    cmd->callback([&ctx, f] { ctx.exit_code = run_exec(ctx.global, *f); });
}

}  // namespace stk::cli
