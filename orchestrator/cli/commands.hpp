#pragma once
// Each command registers itself on the top-level app from its own file (cmd_<name>.cpp).
// A command's callback stores its exit code in `exit_code`.
namespace CLI {
class App;
}

namespace stk::cli {

struct GlobalOptions;

struct CommandContext {
    GlobalOptions& global;
    int exit_code = 0;
};

void register_config(CLI::App& app, CommandContext& ctx);
void register_container(CLI::App& app, CommandContext& ctx);
void register_version(CLI::App& app, CommandContext& ctx);
void register_up(CLI::App& app, CommandContext& ctx);
void register_down(CLI::App& app, CommandContext& ctx);
void register_supervise(CLI::App& app, CommandContext& ctx);
void register_ps(CLI::App& app, CommandContext& ctx);
void register_logs(CLI::App& app, CommandContext& ctx);
void register_ls(CLI::App& app, CommandContext& ctx);
void register_export(CLI::App& app, CommandContext& ctx);
void register_pull(CLI::App& app, CommandContext& ctx);
void register_build(CLI::App& app, CommandContext& ctx);
void register_watch(CLI::App& app, CommandContext& ctx);
// The everyday commands (issue 6): cmd_lifecycle.cpp holds start/stop/restart/kill/pause/
// unpause/rm/wait; each other one has its cmd_<name>.cpp.
void register_lifecycle(CLI::App& app, CommandContext& ctx);
void register_exec(CLI::App& app, CommandContext& ctx);
void register_run(CLI::App& app, CommandContext& ctx);
void register_top(CLI::App& app, CommandContext& ctx);
void register_stats(CLI::App& app, CommandContext& ctx);
void register_events(CLI::App& app, CommandContext& ctx);
void register_port(CLI::App& app, CommandContext& ctx);
void register_inspect(CLI::App& app, CommandContext& ctx);
void register_images(CLI::App& app, CommandContext& ctx);  // images, rmi, save, image ...
// Last: it lists every command registered before it.
void register_completion(CLI::App& app, CommandContext& ctx);

}  // namespace stk::cli
