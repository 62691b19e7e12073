#pragma once
// What `stack ps` and `stack ls` show of a container: its recorded state corrected by a live
// check (a container whose process is gone while the state file says running is dead), and the
// human texts docker prints ("Up 3 minutes", "127.0.0.1:8080->80/tcp").
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::cli::output {

struct ContainerView {
    std::string name;
    std::string service;
    std::string state;   // created | running | restarting | exited | dead
    std::string health;  // "" | starting | healthy | unhealthy
    std::optional<int> exit_code;
    int restart_count = 0;
    std::string status;  // "running (healthy)", "exited (1)", "restarting"
    std::string uptime;  // "Up 3 minutes" while running, else ""
    std::string ports;   // "127.0.0.1:8080->80/tcp, ..."
    const supervise::ContainerRecord* record = nullptr;
};

// `alive`: whether the recorded process (or a supervised restart) is still there.
ContainerView view_container(const supervise::ContainerRecord& record, bool alive, int64_t now_ns);

// docker's units.HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks".
std::string human_duration(int64_t ns);

std::string format_port(const supervise::PortBinding& port);
std::string format_ports(const std::vector<supervise::PortBinding>& ports);

// One object with docker compose's `ps --format json` keys (Name, Service, State, Health,
// ExitCode, RestartCount, Status, RunningFor, Publishers, ...).
nlohmann::json to_compose_json(const ContainerView& view, const std::string& project);

// The state with every container's status corrected by `alive` (for status summaries).
supervise::ProjectState with_live_status(supervise::ProjectState state,
                                         const std::set<std::string>& alive);

int64_t now_ns();

}  // namespace stk::cli::output
