#include "orchestrator/engine/service_build.hpp"

#include <algorithm>
#include <cstdlib>
#include <future>

#include <fmt/format.h>

#include "image/build/builder/builder.hpp"
#include "image/build/dockerfile/instruction.hpp"

namespace stk::engine {
namespace fs = std::filesystem;

std::string built_image_name(const model::Project& project, const model::Service& service) {
    return service.image.empty() ? project.name + "-" + service.name : service.image;
}

build::BuildRequest build_request_for(const model::Project& project, const model::Service& service,
                                      const ServiceBuildOptions& options) {
    if (!service.build)
        throw Error(fmt::format("service \"{}\" has no build section", service.name));
    const model::Build& b = *service.build;
    if (b.context.find("://") != std::string::npos || b.context.rfind("git@", 0) == 0)
        throw Error(fmt::format("service \"{}\": build context \"{}\" is remote; stack builds "
                                "from local directories only",
                                service.name, b.context));
    build::BuildRequest r;
    r.name = service.name;
    r.context = b.context.empty() ? fs::current_path() : fs::path(b.context);
    fs::path dockerfile = b.dockerfile.empty() ? "Dockerfile" : b.dockerfile;
    r.dockerfile = dockerfile.is_absolute() ? dockerfile : r.context / dockerfile;
    r.dockerfile_inline = b.dockerfile_inline;
    auto arg_value = [](const std::string& k, const std::optional<std::string>& v)
        -> std::optional<std::string> {
        if (v) return v;
        if (const char* e = std::getenv(k.c_str())) return std::string(e);
        return std::nullopt;  // unset everywhere: the ARG keeps its default
    };
    for (const auto& [k, v] : b.args)
        if (auto value = arg_value(k, v)) r.build_args[k] = *value;
    for (const auto& [k, v] : options.build_args)
        if (auto value = arg_value(k, v)) r.build_args[k] = *value;
    r.target = b.target;
    r.labels = b.labels;
    r.no_cache = b.no_cache || options.no_cache;
    r.pull = b.pull || options.pull;
    r.platform = service.platform;
    r.tags.push_back(image::Reference::parse(built_image_name(project, service)));
    for (const auto& t : b.tags) r.tags.push_back(image::Reference::parse(t));
    if (!options.stack_binary.empty()) r.stack_binary = options.stack_binary;
    return r;
}

bool up_needs_build(const image::ImageStore& store, const model::Project& project,
                    const model::Service& service, bool build_flag) {
    if (!service.build) return false;
    if (build_flag) return true;
    // pull_policy: build always builds; never uses only what the store has; the rest build
    // what is missing (a service with build: is built rather than pulled).
    if (service.pull_policy == "build") return true;
    if (service.pull_policy == "never") return false;
    return !store.find(image::Reference::parse(built_image_name(project, service)));
}

std::vector<const model::Service*> up_build_services(const image::ImageStore& store,
                                                     const model::Project& project,
                                                     const std::vector<const model::Service*>& started,
                                                     const std::vector<std::string>& named,
                                                     bool build_flag) {
    std::vector<const model::Service*> out;
    for (const model::Service* svc : started) {
        bool asked = build_flag && (named.empty() || std::ranges::find(named, svc->name) != named.end());
        if (up_needs_build(store, project, *svc, asked)) out.push_back(svc);
    }
    return out;
}

std::vector<ServiceBuildOutcome> build_services(const image::ImageStore& store,
                                                const model::Project& project,
                                                const std::vector<const model::Service*>& services,
                                                const ServiceBuildOptions& options,
                                                build::BuildLog& log) {
    std::vector<std::future<ServiceBuildOutcome>> running;
    for (const model::Service* svc : services)
        running.push_back(std::async(std::launch::async, [&, svc] {
            ServiceBuildOutcome o;
            o.service = svc->name;
            try {
                o.result = build::build_image(store, build_request_for(project, *svc, options), log);
            } catch (const build::BuildFailed& e) {
                o.error = e.message();
                o.exit_code = e.exit_code();
            } catch (const std::exception& e) {
                o.error = e.what();
                o.exit_code = 1;
            }
            return o;
        }));
    std::vector<ServiceBuildOutcome> out;
    for (auto& f : running) out.push_back(f.get());
    return out;
}

}  // namespace stk::engine
