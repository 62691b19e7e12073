#pragma once
// `build:` of compose services: the image name a service's build produces, the builder
// request made from the service's build section, when `up` must build, and building several
// services at once (one thread each; RUN containers are separate processes).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/build/builder/build_request.hpp"
#include "image/store/image_store.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::engine {

struct ServiceBuildOptions {
    bool no_cache = false;
    bool pull = false;
    std::map<std::string, std::optional<std::string>> build_args;  // --build-arg K[=V]
    std::string stack_binary;  // "" = this executable
};

// `image:` when given, else "<project>-<service>" as docker compose v2 names it.
std::string built_image_name(const model::Project& project, const model::Service& service);

build::BuildRequest build_request_for(const model::Project& project, const model::Service& service,
                                      const ServiceBuildOptions& options);

// `up`: build when --build, or when the image is missing and pull_policy allows it (a
// service with `build:` and no `image:` is never pulled; pull_policy: build always builds).
bool up_needs_build(const image::ImageStore& store, const model::Project& project,
                    const model::Service& service, bool build_flag);

// What `up [--build] [SERVICE...]` builds among the services it starts (`started`): with --build
// the ones named on the command line (every started one when `named` is empty); besides those,
// any that up_needs_build without --build (image missing, or pull_policy: build).
std::vector<const model::Service*> up_build_services(const image::ImageStore& store,
                                                     const model::Project& project,
                                                     const std::vector<const model::Service*>& started,
                                                     const std::vector<std::string>& named,
                                                     bool build_flag);

struct ServiceBuildOutcome {
    std::string service;
    std::optional<build::BuildResult> result;
    std::string error;  // empty on success
    int exit_code = 0;  // a failing RUN's exit code, else 1 on error
};

// Builds every service in `services` (all with `build:`) in parallel; never throws for a
// failed build: each outcome says what happened.
std::vector<ServiceBuildOutcome> build_services(const image::ImageStore& store,
                                                const model::Project& project,
                                                const std::vector<const model::Service*>& services,
                                                const ServiceBuildOptions& options,
                                                build::BuildLog& log);

}  // namespace stk::engine
