#pragma once
// Building the services of a loaded project from the command line (`build`, `up --build`).
#include <string>
#include <vector>

#include "orchestrator/engine/service_build.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::cli {

// Builds the named services (all when empty) that have `build:`; with only_needed, just those
// `up` must build (engine::up_needs_build with build_flag). Prints progress and a line per
// image; returns 0, or the exit code of the first failure (a failing RUN's own code).
int build_project_services(const model::Project& project, const std::vector<std::string>& names,
                           const engine::ServiceBuildOptions& options, bool quiet,
                           bool only_needed, bool build_flag);

}  // namespace stk::cli
