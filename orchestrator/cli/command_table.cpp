#include "orchestrator/cli/command_table.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <initializer_list>

namespace stk::cli {
namespace {

struct Registration {
    std::initializer_list<std::string_view> names;
    void (*add)(CLI::App&, CommandContext&);
};

// Completion lists every command, so it is never registered alone (see register_commands).
const Registration kCommands[] = {
    {{"config"}, register_config},
    {{"container"}, register_container},
    {{"version"}, register_version},
    {{"up"}, register_up},
    {{"down"}, register_down},
    {{"__supervise"}, register_supervise},
    {{"ps"}, register_ps},
    {{"logs"}, register_logs},
    {{"ls"}, register_ls},
    {{"export"}, register_export},
    {{"pull"}, register_pull},
    {{"build"}, register_build},
    {{"watch"}, register_watch},
    {{"start", "stop", "restart", "kill", "pause", "unpause", "rm", "wait"}, register_lifecycle},
    {{"exec"}, register_exec},
    {{"run"}, register_run},
    {{"top"}, register_top},
    {{"stats"}, register_stats},
    {{"events"}, register_events},
    {{"port"}, register_port},
    {{"inspect"}, register_inspect},
    {{"images", "image", "rmi", "save"}, register_images},
};

bool takes_value(const CLI::App& globals, const std::string& flag) {
    const CLI::Option* o = globals.get_option_no_throw(flag);
    return o != nullptr && o->get_items_expected_min() > 0;
}

}  // namespace

std::string find_subcommand(const CLI::App& globals, int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--" || arg == "-") return "";
        if (arg.size() < 2 || arg[0] != '-') return std::string(arg);
        const bool long_form = arg[1] == '-';
        const size_t eq = arg.find('=');
        if (long_form && eq != std::string_view::npos) {
            if (!globals.get_option_no_throw(std::string(arg.substr(0, eq)))) return "";
            continue;
        }
        // "-pNAME": a short option with its value attached.
        const std::string flag(long_form ? arg : arg.substr(0, 2));
        if (!globals.get_option_no_throw(flag)) return "";
        if (takes_value(globals, flag) && (long_form || arg.size() == 2)) ++i;
    }
    return "";
}

void register_commands(CLI::App& app, CommandContext& ctx, std::string_view name) {
    for (const auto& r : kCommands) {
        if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) {
            r.add(app, ctx);
            return;
        }
    }
    for (const auto& r : kCommands) r.add(app, ctx);
    register_completion(app, ctx);
}

}  // namespace stk::cli
