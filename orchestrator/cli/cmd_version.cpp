#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "orchestrator/cli/commands.hpp"

namespace stk::cli {
namespace {
constexpr const char* kVersion = "0.1.0";
}

void register_version(CLI::App& app, CommandContext& ctx) {
    struct Flags {
        bool short_form = false;
        std::string format = "pretty";
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("version", "Show the stack version");
    cmd->add_flag("--short", f->short_form, "Only the version number");
    cmd->add_option("-f,--format", f->format, "pretty or json")
        ->check(CLI::IsMember({"pretty", "json"}));
    cmd->callback([&ctx, f] {
        if (f->short_form) std::cout << kVersion << '\n';
        else if (f->format == "json") std::cout << nlohmann::json{{"version", kVersion}}.dump() << '\n';
        else std::cout << "stack version " << kVersion << '\n';
        ctx.exit_code = 0;
    });
}

}  // namespace stk::cli
