#pragma once
// Which command registers which names, so that a command line registers only the command it
// runs: building every command's options costs about a millisecond at each start, which is
// most of what `stack ps` or `stack container run` spends before doing anything.
#include <string>
#include <string_view>

#include "orchestrator/cli/commands.hpp"

namespace stk::cli {

// The subcommand named on the command line, given an app holding only the global flags; empty
// when there is none or the line cannot be read without the commands (help, an unknown flag).
std::string find_subcommand(const CLI::App& globals, int argc, const char* const* argv);

// Registers the command that owns `name`, or every command when `name` is empty or unknown
// (help, completion and error messages need them all).
void register_commands(CLI::App& app, CommandContext& ctx, std::string_view name);

}  // namespace stk::cli
