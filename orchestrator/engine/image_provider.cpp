#include "orchestrator/engine/image_provider.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::engine {

PullPolicy parse_pull_policy(const std::string& t) {
    if (t.empty() || t == "missing" || t == "if_not_present" || t == "daily" || t == "weekly" ||
        t.rfind("every_", 0) == 0)
        return PullPolicy::Missing;
    if (t == "always") return PullPolicy::Always;
    if (t == "never") return PullPolicy::Never;
    if (t == "build") return PullPolicy::Build;
    throw Error(fmt::format("pull_policy \"{}\" is not one of always, never, missing, build, daily, weekly, "
                            "every_<duration>",
                            t));
}

image::ImageRecord LocalImageProvider::ensure(const model::Service& service) {
    PullPolicy policy = parse_pull_policy(service.pull_policy);
    image::Reference ref = image::Reference::parse(service.image);
    if (policy == PullPolicy::Always)
        throw Error(fmt::format("image \"{}\": pull_policy always needs a registry pull, which this build "
                                "of stack cannot do; import the image and use pull_policy missing",
                                service.image));
    if (auto r = store_.find(ref)) return *r;
    throw Error(fmt::format("image \"{}\" ({}) is not in the local image store ({}) and pull_policy is {}; "
                            "import it with `stack image import FILE`",
                            service.image, ref.to_string(), store_.root().string(),
                            service.pull_policy.empty() ? "missing" : service.pull_policy));
}

std::unique_ptr<ImageProvider> default_image_provider() { return std::make_unique<LocalImageProvider>(); }

}  // namespace stk::engine
