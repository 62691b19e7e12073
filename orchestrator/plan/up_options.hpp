#pragma once
// `stack up`'s flags that change the plan's decisions; engine::UpOptions extends them with how
// the supervisor carries the plan out.
#include <map>
#include <string>
#include <vector>

namespace stk::plan {

struct UpOptions {
    std::vector<std::string> services;  // named on the command line; empty: all services
    std::map<std::string, int> scale;   // --scale svc=N (wins over scale / deploy.replicas)
    bool no_recreate = false;
    bool force_recreate = false;
    bool no_deps = false;  // only the named services, not their dependencies
    bool no_start = false;
    bool remove_orphans = false;
};

}  // namespace stk::plan
