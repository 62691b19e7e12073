#include "orchestrator/engine/image_pull.hpp"

#include <fmt/format.h>

#include "image/platform.hpp"
#include "image/registry/progress.hpp"
#include "image/registry/puller.hpp"
#include "orchestrator/engine/stack_extension.hpp"
#include "orchestrator/engine/up_services.hpp"
#include "runtime/sys/error.hpp"

namespace stk::engine {
namespace {

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
    return out;
}

image::Reference image_of(const model::Service& svc) {
    return with_context(fmt::format("service \"{}\": image", svc.name),
                        [&] { return image::Reference::parse(svc.image); });
}

// Adds `svc`'s image to `items`, merging services that share an image and a platform.
void add_item(std::vector<PullItem>& items, const model::Service& svc) {
    image::Reference ref = image_of(svc);
    for (auto& item : items)
        if (item.reference == ref && item.platform == svc.platform) {
            item.services.push_back(svc.name);
            return;
        }
    items.push_back({ref, svc.platform, {svc.name}});
}

}  // namespace

std::vector<const model::Service*> image_services(const model::Project& project,
                                                  const graph::DependencyGraph& graph,
                                                  const std::vector<std::string>& selected,
                                                  bool no_deps) {
    std::vector<const model::Service*> out;
    for (const model::Service* svc : up_services(project, graph, selected, no_deps)) {
        if (svc->image.empty()) continue;
        if (!read_stack_extension(*svc, project.working_dir).rootfs.empty()) continue;
        out.push_back(svc);
    }
    return out;
}

std::vector<PullItem> plan_up_pulls(const std::vector<const model::Service*>& services,
                                    std::optional<PullPolicy> override_policy,
                                    const std::function<bool(const image::Reference&)>& present) {
    std::vector<PullItem> items;
    for (const auto* svc : services) {
        PullPolicy policy = override_policy ? *override_policy : with_context(
            fmt::format("service \"{}\"", svc->name), [&] { return parse_pull_policy(svc->pull_policy); });
        if (policy == PullPolicy::Never || policy == PullPolicy::Build) continue;
        if (policy == PullPolicy::Missing) {
            if (svc->build) continue;
            if (present(image_of(*svc))) continue;
        }
        add_item(items, *svc);
    }
    return items;
}

std::vector<PullItem> plan_pull_command(const std::vector<const model::Service*>& services,
                                        bool only_missing,
                                        const std::function<bool(const image::Reference&)>& present) {
    std::vector<PullItem> items;
    for (const auto* svc : services) {
        if (only_missing && present(image_of(*svc))) continue;
        add_item(items, *svc);
    }
    return items;
}

std::vector<std::string> run_pulls(const std::vector<PullItem>& items,
                                   image::registry::PullProgress& progress, bool keep_going) {
    std::vector<std::string> failures;
    if (items.empty()) return failures;
    image::registry::Puller puller(image::ImageStore(),
                                   image::registry::RegistrySettings::from_environment(), progress);
    for (const auto& item : items) {
        std::string who = fmt::format("service{} {}", item.services.size() > 1 ? "s" : "",
                                      join(item.services));
        try {
            image::registry::PullOptions options;
            if (!item.platform.empty())
                options.platform = image::parse_platform(item.platform);
            puller.pull(item.reference, options);
        } catch (const Error& e) {
            if (!keep_going) throw e.wrapped(who);
            failures.push_back(who + ": " + e.message());
        }
    }
    return failures;
}

}  // namespace stk::engine
