#pragma once
// What the everyday commands share: the project they act on, its state on disk, its containers
// by service, and requests to its supervisor.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::cli {

struct GlobalOptions;
namespace output {
class ProgressRenderer;
}

// The project's state, or Error "project X is not running" (compose's exit code 1).
supervise::ProjectState require_state(const std::string& project);

// The records of `service`'s containers, by index; Error naming the service when it has none.
std::vector<supervise::ContainerRecord> service_containers(const supervise::ProjectState& state,
                                                           const std::string& service);

// Replica `index` of `service` (docker compose's --index, from 1).
supervise::ContainerRecord service_container(const supervise::ProjectState& state,
                                             const std::string& service, int index);

// A container name or a service name (its first replica).
supervise::ContainerRecord container_or_service(const supervise::ProjectState& state,
                                                const std::string& name);

// The containers of `services` (all when empty) whose process runs, with their cgroup name.
struct RunningContainer {
    std::string name;
    std::string service;
    std::string cgroup;
    int pid = 0;  // PID 1 of the container, host view
};
std::vector<RunningContainer> running_containers(const supervise::ProjectState& state,
                                                 const std::vector<std::string>& services);

// Sends one request to the project's supervisor; Error "project X is not running" when none
// listens.
nlohmann::json supervisor_request(const std::string& project, const nlohmann::json& request,
                                  std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// Shows a reply's "lines" through `progress` (unless they were `streamed` already as progress
// lines) and finishes it, and prints its errors (stderr); the command's exit code: 0, or 1 when
// the reply is not ok.
int print_reply(const nlohmann::json& reply, output::ProgressRenderer& progress,
                bool streamed = false);
// The same with plain lines on stdout.
int print_reply(const nlohmann::json& reply);

// Starts the project's supervisor detached with `request` (engine::supervise_request), shows
// its progress lines through `progress` as they come (or its report's lines when none came),
// and prints its error; the command's exit code.
int launch_supervisor(const std::string& project, const nlohmann::json& request,
                      output::ProgressRenderer& progress);

}  // namespace stk::cli
