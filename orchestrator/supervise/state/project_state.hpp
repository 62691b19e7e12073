#pragma once
// What the supervisor and the CLI know about a project's containers, as kept in
// `<run_root>/<project>/state.json`. Plain data with a JSON form; times are Unix nanoseconds.
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stk::supervise {

struct ProbeLogEntry {
    int64_t start = 0;
    int64_t end = 0;
    int exit_code = 0;
    std::string output;
};

struct HealthRecord {
    std::string status;  // starting | healthy | unhealthy
    int failing_streak = 0;
    std::vector<ProbeLogEntry> log;  // the last five, oldest first
};

struct PortBinding {
    std::string host_ip;
    uint16_t host_port = 0;
    uint16_t container_port = 0;
    std::string protocol = "tcp";
};

struct ContainerRecord {
    std::string name;  // e.g. demo-web-1
    std::string service;
    int index = 1;
    std::string config_hash;
    int pid = 0;                     // 0 when not running
    uint64_t pid_start_time = 0;     // /proc/<pid>/stat starttime: tells pid reuse apart
    std::string status = "created";  // created | running | restarting | exited | dead
    std::optional<int> exit_code;
    int restart_count = 0;
    bool manually_stopped = false;
    int64_t started_at = 0;
    int64_t finished_at = 0;
    std::optional<HealthRecord> health;
    std::map<std::string, std::string> addresses;  // network -> IPv4 address
    std::vector<PortBinding> ports;
    std::vector<std::string> netns;  // names of the network namespaces it holds
};

struct ProjectState {
    std::string project;
    std::string working_dir;
    std::vector<std::string> config_files;
    int supervisor_pid = 0;
    uint64_t supervisor_start_time = 0;
    std::vector<std::string> networks;
    std::vector<ContainerRecord> containers;

    ContainerRecord* find(const std::string& name);
    const ContainerRecord* find(const std::string& name) const;
    // The record for `name`, appended when missing.
    ContainerRecord& upsert(const std::string& name);
    bool erase(const std::string& name);
};

void to_json(nlohmann::json& j, const ProbeLogEntry& v);
void from_json(const nlohmann::json& j, ProbeLogEntry& v);
void to_json(nlohmann::json& j, const HealthRecord& v);
void from_json(const nlohmann::json& j, HealthRecord& v);
void to_json(nlohmann::json& j, const PortBinding& v);
void from_json(const nlohmann::json& j, PortBinding& v);
void to_json(nlohmann::json& j, const ContainerRecord& v);
void from_json(const nlohmann::json& j, ContainerRecord& v);
void to_json(nlohmann::json& j, const ProjectState& v);
void from_json(const nlohmann::json& j, ProjectState& v);

// compose ls's STATUS column: "running(2), exited(1)", statuses in name order.
std::string status_summary(const ProjectState& state);

}  // namespace stk::supervise
