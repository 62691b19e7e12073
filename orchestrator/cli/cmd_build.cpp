// `stack build [SERVICE...]`: builds the images of services with a `build:` section, in
// parallel, with the build cache; prints "[web 3/7] RUN ..." lines (and the steps' output).
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/project_build.hpp"
#include "orchestrator/engine/service_build.hpp"
#include "orchestrator/load/loader.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct BuildFlags {
    bool no_cache = false;
    bool pull = false;
    bool quiet = false;
    std::vector<std::string> build_args;
    std::vector<std::string> services;
};

std::map<std::string, std::optional<std::string>> parse_build_args(const std::vector<std::string>& in) {
    std::map<std::string, std::optional<std::string>> out;
    for (const auto& a : in) {
        auto eq = a.find('=');
        if (eq == 0) throw Error(fmt::format("--build-arg \"{}\": expected KEY[=VALUE]", a));
        if (eq == std::string::npos) out[a] = std::nullopt;
        else out[a.substr(0, eq)] = a.substr(eq + 1);
    }
    return out;
}

// The named services (every one when none is named) that have `build:`; only those, as
// docker compose v2 builds (no dependencies).
std::vector<const model::Service*> named_buildable(const model::Project& project,
                                                   const std::vector<std::string>& names) {
    for (const auto& n : names)
        if (!project.find_service(n)) throw Error(fmt::format("no such service: \"{}\"", n));
    std::vector<const model::Service*> out;
    for (const auto& svc : project.services)
        if (svc.build && (names.empty() || std::ranges::find(names, svc.name) != names.end()))
            out.push_back(&svc);
    return out;
}

}  // namespace

int build_project_services(const model::Project& project,
                           const std::vector<const model::Service*>& todo,
                           const engine::ServiceBuildOptions& options, bool quiet) {
    if (todo.empty()) return 0;
    image::ImageStore store;
    bool tty = ::isatty(1);
    build::BuildLog log([](const std::string& line) { std::cout << line << '\n' << std::flush; }, tty,
                        quiet);
    int code = 0;
    for (const auto& o : engine::build_services(store, project, todo, options, log)) {
        if (!o.error.empty()) {
            std::cerr << fmt::format("stack: build of service \"{}\" failed: {}\n", o.service, o.error);
            code = code ? code : o.exit_code;
        } else if (quiet) {
            std::cout << o.result->config_digest.str() << '\n';
        } else {
            std::cout << fmt::format("Built {} ({}, {} of {} steps cached)\n",
                                     o.result->tags.front().familiar(),
                                     o.result->config_digest.short_hex(), o.result->cached,
                                     o.result->steps);
        }
    }
    return code;
}

void register_build(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("build", "Build or rebuild the services' images");
    auto f = std::make_shared<BuildFlags>();
    cmd->add_flag("--no-cache", f->no_cache, "Do not use the build cache");
    cmd->add_flag("--pull", f->pull, "Pull the base images even when the store has them");
    cmd->add_flag("-q,--quiet", f->quiet, "Print only the image IDs");
    cmd->add_option("--build-arg", f->build_args, "KEY[=VALUE] build argument")
        ->allow_extra_args(false);
    cmd->add_option("services", f->services, "Services to build (default: all with build:)");
    cmd->callback([&ctx, f] {
        load::LoadedProject loaded = load::load_project(ctx.global.load_options());
        for (const auto& w : loaded.warnings) std::cerr << "warning: " << w.to_string() << '\n';
        engine::ServiceBuildOptions o;
        o.no_cache = f->no_cache;
        o.pull = f->pull;
        o.build_args = parse_build_args(f->build_args);
        ctx.exit_code = build_project_services(
            loaded.project, named_buildable(loaded.project, f->services), o, f->quiet);
    });
}

}  // namespace stk::cli
