// The table that lets a command line register only its own command must name exactly what each
// command registers, and find the subcommand behind the global flags.
#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "orchestrator/cli/command_table.hpp"
#include "orchestrator/cli/global_options.hpp"

using namespace stk::cli;

namespace {

std::set<std::string> top_level_names(const CLI::App& app) {
    std::set<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names.insert(sub->get_name());
    return names;
}

std::string subcommand_of(std::vector<const char*> args) {
    GlobalOptions g;
    CLI::App app;
    add_global_flags(app, g);
    args.insert(args.begin(), "stack");
    return find_subcommand(app, static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("registering one command by any of its names registers exactly that command's names") {
    GlobalOptions g;
    CommandContext ctx{g};
    CLI::App all;
    register_commands(all, ctx, "");
    const std::set<std::string> every = top_level_names(all);
    REQUIRE(every.count("completion") == 1);
    std::set<std::string> covered{"completion"};
    for (const std::string& name : every) {
        if (name == "completion") continue;
        CLI::App one;
        register_commands(one, ctx, name);
        const std::set<std::string> got = top_level_names(one);
        INFO("command " << name);
        CHECK(got.count(name) == 1);
        CHECK(got.size() < every.size());  // not the fall-back to every command
        covered.insert(got.begin(), got.end());
    }
    CHECK(covered == every);
}

TEST_CASE("an unknown or missing command name registers every command") {
    GlobalOptions g;
    CommandContext ctx{g};
    CLI::App all, unknown;
    register_commands(all, ctx, "");
    register_commands(unknown, ctx, "no-such-command");
    CHECK(top_level_names(unknown) == top_level_names(all));
}

TEST_CASE("the subcommand is found behind global flags in every spelling") {
    CHECK(subcommand_of({"ps"}) == "ps");
    CHECK(subcommand_of({"-f", "a.yaml", "-p", "demo", "up", "-d"}) == "up");
    CHECK(subcommand_of({"--file=a.yaml", "--project-name", "demo", "logs"}) == "logs");
    CHECK(subcommand_of({"-fa.yaml", "-pdemo", "down"}) == "down");
    CHECK(subcommand_of({"--verbose", "--ansi", "never", "container", "run"}) == "container");
    CHECK(subcommand_of({"--profile", "ps", "exec"}) == "exec");  // a value that names a command
    CHECK(subcommand_of({"--help"}).empty());
    CHECK(subcommand_of({"--no-such-flag", "ps"}).empty());
    CHECK(subcommand_of({}).empty());
}
