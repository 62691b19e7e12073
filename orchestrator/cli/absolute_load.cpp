#include "orchestrator/cli/absolute_load.hpp"

#include <filesystem>

#include "orchestrator/cli/global_options.hpp"

namespace stk::cli {

load::LoadOptions absolute_load_options(const GlobalOptions& g) {
    load::LoadOptions o = g.load_options();
    auto cwd = std::filesystem::current_path();
    if (o.working_dir.empty()) o.working_dir = cwd;
    for (auto& f : o.files)
        if (f != "-" && std::filesystem::path(f).is_relative()) f = (cwd / f).string();
    if (o.project_directory && std::filesystem::path(*o.project_directory).is_relative())
        o.project_directory = (cwd / *o.project_directory).string();
    return o;
}

}  // namespace stk::cli
