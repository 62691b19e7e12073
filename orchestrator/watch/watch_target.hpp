#pragma once
// What a watch session acts on: the supervisor of the project, either in the same process
// (`stack up --watch`: calls on its loop) or over its control socket (`stack watch`).
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/plan/reconcile.hpp"

namespace stk::watch {

struct StepResult {
    bool ok = true;
    std::string error;
    std::vector<std::string> lines;  // compose-like progress lines ("Container x  Started")
};
using StepDone = std::function<void(StepResult)>;

class WatchTarget {
public:
    virtual ~WatchTarget() = default;
    // What runs now, for the plan printed before converging.
    virtual plan::Observed observe() = 0;
    // Converges the running project to `loaded` (which `options` loaded): recreates changed
    // services, creates added ones, removes removed ones, in dependency order.
    virtual void converge(const load::LoadOptions& options, load::LoadedProject loaded,
                          const engine::UpOptions& up, StepDone done) = 0;
    // Restarts every container of `service` (stop, then start the same configuration).
    virtual void restart(const std::string& service, StepDone done) = 0;
    // The init pids of `service`'s running containers, with their container names.
    virtual std::vector<std::pair<std::string, pid_t>> running(const std::string& service) = 0;
};

}  // namespace stk::watch
