// `stack config`: the resolved, canonical model, or parts of it.
#include <CLI/CLI.hpp>

#include <iostream>
#include <set>
#include <sstream>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/load/emit.hpp"
#include "orchestrator/load/hash.hpp"
#include "orchestrator/load/loader.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::cli {
namespace {

struct ConfigFlags {
    std::string format = "yaml";
    bool quiet = false;
    bool services = false;
    bool profiles = false;
    bool volumes = false;
    bool networks = false;
    bool images = false;
    bool environment = false;
    bool no_interpolate = false;
    std::string hash;
    std::string output;
};

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(',', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

void print_lines(std::ostream& out, const std::vector<std::string>& lines) {
    for (const auto& l : lines) out << l << '\n';
}

int run_config(const GlobalOptions& global, const ConfigFlags& f) {
    auto options = global.load_options();
    options.interpolate = !f.no_interpolate;
    load::LoadedProject loaded = load::load_project(options);
    if (!f.quiet)
        for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
    const model::Project& p = loaded.project;

    std::ostringstream out;
    if (f.quiet) return 0;
    if (f.services) {
        print_lines(out, load::service_names(p));
    } else if (f.profiles) {
        print_lines(out, loaded.tree.all_profiles);
    } else if (f.volumes) {
        print_lines(out, load::volume_names(p));
    } else if (f.networks) {
        print_lines(out, load::network_names(p));
    } else if (f.images) {
        print_lines(out, load::image_names(p));
    } else if (f.environment) {
        for (const auto& [k, v] : loaded.tree.environment) out << k << '=' << v << '\n';
    } else if (!f.hash.empty()) {
        std::set<std::string> wanted;
        if (f.hash != "*") {
            for (auto& n : split_commas(f.hash)) {
                if (!p.find_service(n)) throw Error("no such service: \"" + n + "\"");
                wanted.insert(n);
            }
        }
        for (const auto& s : p.services)
            if (wanted.empty() || wanted.count(s.name))
                out << s.name << ' ' << load::config_hash(s) << '\n';
    } else if (f.format == "json") {
        out << load::to_json(p).dump(2) << '\n';
    } else {
        out << load::to_yaml(p);
    }

    if (f.output.empty()) {
        std::cout << out.str();
    } else {
        write_file_atomic(f.output, out.str());
    }
    return 0;
}

}  // namespace

void register_config(CLI::App& app, CommandContext& ctx) {
    auto flags = std::make_shared<ConfigFlags>();
    auto* cmd = app.add_subcommand("config", "Resolve, validate and print the stack file");
    cmd->add_option("--format", flags->format, "Output format")
        ->check(CLI::IsMember({"yaml", "json"}));
    cmd->add_flag("-q,--quiet", flags->quiet, "Only validate; the exit code says whether it is valid");
    cmd->add_flag("--services", flags->services, "Print the service names, one per line");
    cmd->add_flag("--profiles", flags->profiles, "Print the profile names, one per line");
    cmd->add_flag("--volumes", flags->volumes, "Print the volume names, one per line");
    cmd->add_flag("--networks", flags->networks, "Print the network names, one per line");
    cmd->add_flag("--images", flags->images, "Print the image names, one per line");
    cmd->add_flag("--environment", flags->environment,
                  "Print the environment used for interpolation");
    cmd->add_flag("--no-interpolate", flags->no_interpolate, "Do not interpolate variables");
    cmd->add_option("--hash", flags->hash,
                    "Print the config hash of the services (comma-separated, or \"*\")");
    cmd->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
    cmd->callback([&ctx, flags] { ctx.exit_code = run_config(ctx.global, *flags); });
}

}  // namespace stk::cli
