#include <CLI/CLI.hpp>

#include <iostream>

#include "orchestrator/cli/commands.hpp"

namespace stk::cli {

void register_version(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("version", "Show the stack version");
    cmd->callback([&ctx] {
        std::cout << "stack version 0.1.0\n";
        ctx.exit_code = 0;
    });
}

}  // namespace stk::cli
