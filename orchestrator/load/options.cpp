#include "orchestrator/load/options.hpp"

#include <unistd.h>

namespace stk::load {

Environment process_environment() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string::npos) continue;
        env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return env;
}

}  // namespace stk::load
