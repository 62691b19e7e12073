#include "orchestrator/cli/output/project_target.hpp"

#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/load/discovery.hpp"
#include "orchestrator/load/resolve.hpp"

namespace stk::cli::output {

std::string target_project(const GlobalOptions& global) {
    load::LoadOptions options = global.load_options();
    if (options.project_name) return load::normalize_project_name(*options.project_name);
    if (auto it = options.shell_env.find("COMPOSE_PROJECT_NAME");
        it != options.shell_env.end() && !it->second.empty()) {
        return load::normalize_project_name(it->second);
    }
    load::Diagnostics diags;
    return load::resolve_tree(options, diags).project_name;
}

}  // namespace stk::cli::output
