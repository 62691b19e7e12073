#include <CLI/CLI.hpp>

#include "orchestrator/cli/commands.hpp"

namespace stk::cli {

void register_config(CLI::App& app, CommandContext& ctx) {}

}  // namespace stk::cli
