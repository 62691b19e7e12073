#include "orchestrator/supervise/state/project_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace stk::supervise {

using nlohmann::json;

ContainerRecord* ProjectState::find(const std::string& name) {
    for (auto& c : containers)
        if (c.name == name) return &c;
    return nullptr;
}

const ContainerRecord* ProjectState::find(const std::string& name) const {
    for (const auto& c : containers)
        if (c.name == name) return &c;
    return nullptr;
}

ContainerRecord& ProjectState::upsert(const std::string& name) {
    if (auto* c = find(name)) return *c;
    containers.emplace_back();
    containers.back().name = name;
    return containers.back();
}

bool ProjectState::erase(const std::string& name) {
    auto it = std::remove_if(containers.begin(), containers.end(),
                             [&](const ContainerRecord& c) { return c.name == name; });
    bool found = it != containers.end();
    containers.erase(it, containers.end());
    return found;
}

void to_json(json& j, const ProbeLogEntry& v) {
    j = json{{"start", v.start}, {"end", v.end}, {"exit_code", v.exit_code}, {"output", v.output}};
}

void from_json(const json& j, ProbeLogEntry& v) {
    v.start = j.value("start", int64_t{0});
    v.end = j.value("end", int64_t{0});
    v.exit_code = j.value("exit_code", 0);
    v.output = j.value("output", std::string());
}

void to_json(json& j, const HealthRecord& v) {
    j = json{{"status", v.status}, {"failing_streak", v.failing_streak}, {"log", v.log}};
}

void from_json(const json& j, HealthRecord& v) {
    v.status = j.value("status", std::string("starting"));
    v.failing_streak = j.value("failing_streak", 0);
    v.log = j.value("log", std::vector<ProbeLogEntry>{});
}

void to_json(json& j, const PortBinding& v) {
    j = json{{"host_ip", v.host_ip},
             {"host_port", v.host_port},
             {"container_port", v.container_port},
             {"protocol", v.protocol}};
}

void from_json(const json& j, PortBinding& v) {
    v.host_ip = j.value("host_ip", std::string());
    v.host_port = j.value("host_port", uint16_t{0});
    v.container_port = j.value("container_port", uint16_t{0});
    v.protocol = j.value("protocol", std::string("tcp"));
}

void to_json(json& j, const ContainerRecord& v) {
    j = json{{"name", v.name},
             {"service", v.service},
             {"index", v.index},
             {"config_hash", v.config_hash},
             {"pid", v.pid},
             {"pid_start_time", v.pid_start_time},
             {"status", v.status},
             {"exit_code", v.exit_code ? json(*v.exit_code) : json(nullptr)},
             {"restart_count", v.restart_count},
             {"manually_stopped", v.manually_stopped},
             {"started_at", v.started_at},
             {"finished_at", v.finished_at},
             {"health", v.health ? json(*v.health) : json(nullptr)},
             {"addresses", v.addresses},
             {"ports", v.ports},
             {"netns", v.netns}};
}

void from_json(const json& j, ContainerRecord& v) {
    v.name = j.at("name").get<std::string>();
    v.service = j.value("service", std::string());
    v.index = j.value("index", 1);
    v.config_hash = j.value("config_hash", std::string());
    v.pid = j.value("pid", 0);
    v.pid_start_time = j.value("pid_start_time", uint64_t{0});
    v.status = j.value("status", std::string("created"));
    v.exit_code.reset();
    if (j.contains("exit_code") && !j.at("exit_code").is_null())
        v.exit_code = j.at("exit_code").get<int>();
    v.restart_count = j.value("restart_count", 0);
    v.manually_stopped = j.value("manually_stopped", false);
    v.started_at = j.value("started_at", int64_t{0});
    v.finished_at = j.value("finished_at", int64_t{0});
    v.health.reset();
    if (j.contains("health") && !j.at("health").is_null())
        v.health = j.at("health").get<HealthRecord>();
    v.addresses = j.value("addresses", std::map<std::string, std::string>{});
    v.ports = j.value("ports", std::vector<PortBinding>{});
    v.netns = j.value("netns", std::vector<std::string>{});
}

void to_json(json& j, const ProjectState& v) {
    j = json{{"version", 1},
             {"project", v.project},
             {"working_dir", v.working_dir},
             {"config_files", v.config_files},
             {"supervisor_pid", v.supervisor_pid},
             {"supervisor_start_time", v.supervisor_start_time},
             {"networks", v.networks},
             {"containers", v.containers}};
}

void from_json(const json& j, ProjectState& v) {
    v.project = j.at("project").get<std::string>();
    v.working_dir = j.value("working_dir", std::string());
    v.config_files = j.value("config_files", std::vector<std::string>{});
    v.supervisor_pid = j.value("supervisor_pid", 0);
    v.supervisor_start_time = j.value("supervisor_start_time", uint64_t{0});
    v.networks = j.value("networks", std::vector<std::string>{});
    v.containers = j.value("containers", std::vector<ContainerRecord>{});
}

std::string status_summary(const ProjectState& state) {
    std::map<std::string, int> counts;
    for (const auto& c : state.containers) ++counts[c.status];
    std::string out;
    for (const auto& [status, n] : counts) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{}({})", status, n);
    }
    return out;
}

}  // namespace stk::supervise
