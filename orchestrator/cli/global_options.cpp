#include "orchestrator/cli/global_options.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

namespace stk::cli {

load::LoadOptions GlobalOptions::load_options() const {
    load::LoadOptions o;
    o.files = files;
    if (!project_name.empty()) o.project_name = project_name;
    if (!project_directory.empty()) o.project_directory = project_directory;
    o.env_files = env_files;
    o.profiles = profiles;
    o.shell_env = load::process_environment();
    return o;
}

load::LoadOptions GlobalOptions::absolute_load_options() const {
    load::LoadOptions o = load_options();
    auto cwd = std::filesystem::current_path();
    if (o.working_dir.empty()) o.working_dir = cwd;
    for (auto& f : o.files)
        if (f != "-" && std::filesystem::path(f).is_relative()) f = (cwd / f).string();
    if (o.project_directory && std::filesystem::path(*o.project_directory).is_relative())
        o.project_directory = (cwd / *o.project_directory).string();
    return o;
}

void add_global_flags(CLI::App& app, GlobalOptions& g) {
    app.add_option("-f,--file", g.files, "Stack file(s), merged in order")->type_name("FILE")->allow_extra_args(false);
    app.add_option("-p,--project-name", g.project_name, "Project name");
    app.add_option("--project-directory", g.project_directory,
                   "Project directory (default: the first stack file's directory)");
    app.add_option("--env-file", g.env_files, "Environment file(s) replacing .env")->allow_extra_args(false);
    app.add_option("--profile", g.profiles, "Enable a profile")->allow_extra_args(false);
    app.add_option("--parallel", g.parallel, "Maximum parallelism (-1: unlimited)");
    app.add_option("--ansi", g.ansi, "Control characters: never, always, auto")
        ->check(CLI::IsMember({"never", "always", "auto"}));
    app.add_option("--progress", g.progress, "Progress output: auto, tty, plain, quiet")
        ->check(CLI::IsMember({"auto", "tty", "plain", "quiet"}));
    app.add_flag("--verbose", g.verbose, "Log debug details to stderr");
}

}  // namespace stk::cli
