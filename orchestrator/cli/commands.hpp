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
void register_build(CLI::App& app, CommandContext& ctx);
void register_images(CLI::App& app, CommandContext& ctx);  // images, rmi, save, image ...

}  // namespace stk::cli
