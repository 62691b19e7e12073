#pragma once
// The everyday commands when no supervisor runs the project (it was killed, or an attached
// `up` was stopped): they work from the state on disk and reach the containers by name, as
// `down` does. `start` brings a supervisor back (detached) for the recorded containers.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::cli {

struct GlobalOptions;
namespace output {
class ProgressRenderer;
}

// The recorded containers of `services` (all when empty); Error "no container of service X
// exists; run stack up" for a named one that has none.
std::vector<supervise::ContainerRecord> selected_records(const supervise::ProjectState& state,
                                                         const std::vector<std::string>& services);

// Stops the running ones (stop signal, SIGKILL after `grace`) and records them as exited.
int stop_offline(const std::string& project, const std::vector<std::string>& services,
                 std::optional<std::chrono::milliseconds> grace, output::ProgressRenderer& progress);
// Sends `signal` to the running ones.
int kill_offline(const std::string& project, const std::vector<std::string>& services,
                 int signal, output::ProgressRenderer& progress);
// Starts a detached supervisor that takes the recorded containers back and starts those of
// `services` (all when empty) with their dependencies; Error when one still runs.
int start_offline(const GlobalOptions& g, const std::string& project,
                  const std::vector<std::string>& services, output::ProgressRenderer& progress);
// stop_offline then start_offline of `services` and, as with a supervisor, of the recorded
// services that declare `depends_on: {X: {restart: true}}` on one of them (all when empty).
int restart_offline(const GlobalOptions& g, const std::string& project,
                    const std::vector<std::string>& services,
                    std::optional<std::chrono::milliseconds> grace,
                    output::ProgressRenderer& progress);
// Freezes (or thaws) the running ones through the cgroup freezer.
int pause_offline(const std::string& project, const std::vector<std::string>& services, bool pause,
                  output::ProgressRenderer& progress);
// Removes the stopped ones: runtime state, namespace, log, record (and anonymous volumes).
int rm_offline(const std::string& project, const std::vector<std::string>& services, bool volumes,
               output::ProgressRenderer& progress);
// The recorded exit codes (container, code), in record order; Error when one still runs (no
// supervisor can collect its exit) or stopped with no code recorded.
std::vector<std::pair<std::string, int>> exit_codes_offline(const std::string& project,
                                                            const std::vector<std::string>& services);

}  // namespace stk::cli
