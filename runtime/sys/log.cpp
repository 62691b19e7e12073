#include "runtime/sys/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace stk {

void init_logging(const char* level) {
    static bool done = false;
    if (!done) {
        auto logger = spdlog::stderr_color_mt("stack");
        logger->set_pattern("%^%l%$: %v");
        spdlog::set_default_logger(logger);
        done = true;
    }
    const char* name = level ? level : std::getenv("STACK_LOG");
    spdlog::set_level(name ? spdlog::level::from_str(name) : spdlog::level::warn);
}

}  // namespace stk
