// The `stack` command line: global flags, then one subcommand.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "orchestrator/cli/command_table.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/load/diagnostics.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

int main(int argc, char** argv) {
    using namespace stk::cli;
    stk::init_logging();
    GlobalOptions global;
    CommandContext ctx{global};

    CLI::App app{"stack: declarative multi-container stacks from Compose files", "stack"};
    app.require_subcommand(1);
    app.fallthrough();
    add_global_flags(app, global);
    register_commands(app, ctx, find_subcommand(app, argc, argv));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const stk::load::LoadError& e) {
        std::cerr << e.what() << '\n';
        return 1;
    } catch (const stk::Error& e) {
        std::cerr << "stack: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "stack: " << e.what() << '\n';
        return 1;
    }
    return ctx.exit_code;
}
