#pragma once
// Building the services of a loaded project from the command line (`build`, `up --build`).
#include <string>
#include <vector>

#include "orchestrator/engine/service_build.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::cli {

// Builds `services` (each has `build:`) in parallel. Prints progress and a line per image;
// returns 0, or the exit code of the first failure (a failing RUN's own code).
int build_project_services(const model::Project& project,
                           const std::vector<const model::Service*>& services,
                           const engine::ServiceBuildOptions& options, bool quiet);

}  // namespace stk::cli
