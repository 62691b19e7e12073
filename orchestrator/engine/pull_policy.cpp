// parse_pull_policy of image_provider.hpp.
#include <fmt/format.h>

#include "orchestrator/engine/image_provider.hpp"
#include "runtime/sys/error.hpp"

namespace stk::engine {

PullPolicy parse_pull_policy(const std::string& text) {
    if (text.empty() || text == "missing" || text == "if_not_present") return PullPolicy::Missing;
    if (text == "always") return PullPolicy::Always;
    if (text == "never") return PullPolicy::Never;
    if (text == "build") return PullPolicy::Build;
    if (text == "daily" || text == "weekly" || text.rfind("every_", 0) == 0)
        return PullPolicy::Missing;
    throw Error(fmt::format("pull_policy \"{}\": expected always, never, missing, if_not_present, "
                            "build, daily, weekly or every_<duration>",
                            text));
}

}  // namespace stk::engine
