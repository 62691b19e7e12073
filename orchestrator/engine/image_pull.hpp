#pragma once
// Which images `stack pull` and `stack up` fetch from registries, and fetching them. Every pull
// of `up` happens here, in the command's own process, before the project is handed to a
// supervisor: a failure stops `up` before any network or container is touched.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/reference.hpp"
#include "orchestrator/engine/image_provider.hpp"
#include "orchestrator/graph/dependency_graph.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::image::registry {
class PullProgress;
}

namespace stk::engine {

// One image to pull and the services that use it.
struct PullItem {
    image::Reference reference;
    std::string platform;  // the services' `platform:`, "" for this machine's
    std::vector<std::string> services;
};

// The services named in `selected` (every service when empty), plus their dependencies unless
// `no_deps`; only those with `image:` and without x-stack.rootfs.
std::vector<const model::Service*> image_services(const model::Project& project,
                                                  const graph::DependencyGraph& graph,
                                                  const std::vector<std::string>& selected,
                                                  bool no_deps);

// What `up` pulls: services whose pull_policy (or `override_policy`, up's --pull) is `always`,
// or `missing` when `present` says the store lacks the image. `never` and `build` pull nothing,
// nor does `missing` for a service with a `build:` section (it is built instead). An invalid
// policy or image name is an Error naming the service.
std::vector<PullItem> plan_up_pulls(const std::vector<const model::Service*>& services,
                                    std::optional<PullPolicy> override_policy,
                                    const std::function<bool(const image::Reference&)>& present);

// What `stack pull` pulls: every image of `services` (with `--policy missing`, only the absent
// ones).
std::vector<PullItem> plan_pull_command(const std::vector<const model::Service*>& services,
                                        bool only_missing,
                                        const std::function<bool(const image::Reference&)>& present);

// Pulls the items in order into the local store. Each failure is one line naming the
// service(s), the image and the registry; with `keep_going` every item is tried and the
// failures returned, otherwise the first one is thrown.
std::vector<std::string> run_pulls(const std::vector<PullItem>& items,
                                   image::registry::PullProgress& progress, bool keep_going);

}  // namespace stk::engine
