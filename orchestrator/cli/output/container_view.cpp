#include "orchestrator/cli/output/container_view.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace stk::cli::output {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

bool counts_as_running(const std::string& status) {
    return status == "running" || status == "restarting";
}

}  // namespace

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string human_duration(int64_t ns) {
    const int64_t seconds = ns / kSecond;
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return fmt::format("{} seconds", seconds);
    const int64_t minutes = seconds / 60;
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return fmt::format("{} minutes", minutes);
    const int64_t hours = (seconds + 1800) / 3600;  // rounded, as docker does
    if (hours == 1) return "About an hour";
    if (hours < 48) return fmt::format("{} hours", hours);
    if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
    if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
    if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
    return fmt::format("{} years", hours / 24 / 365);
}

std::string format_port(const supervise::PortBinding& p) {
    const std::string ip = p.host_ip.empty() ? "0.0.0.0" : p.host_ip;
    return fmt::format("{}:{}->{}/{}", ip, p.host_port, p.container_port, p.protocol);
}

std::string format_ports(const std::vector<supervise::PortBinding>& ports) {
    std::string out;
    for (const auto& p : ports) {
        if (!out.empty()) out += ", ";
        out += format_port(p);
    }
    return out;
}

ContainerView view_container(const supervise::ContainerRecord& r, bool alive, int64_t now) {
    ContainerView v;
    v.record = &r;
    v.name = r.name;
    v.service = r.service;
    v.state = r.status;
    v.exit_code = r.exit_code;
    v.restart_count = r.restart_count;
    // The state file still says running, but nobody runs it: the supervisor is gone too.
    if (counts_as_running(r.status) && !alive) v.state = "dead";
    const bool running = v.state == "running";
    if (r.health && (running || v.state == "restarting")) v.health = r.health->status;
    if (v.state == "exited" || v.state == "dead") {
        v.status = v.exit_code ? fmt::format("{} ({})", v.state, *v.exit_code) : v.state;
    } else if (!v.health.empty() && running) {
        v.status = fmt::format("running ({})", v.health);
    } else {
        v.status = v.state;
    }
    if (running && r.started_at > 0) {
        v.uptime = "Up " + human_duration(std::max<int64_t>(0, now - r.started_at));
    }
    if (running) v.ports = format_ports(r.ports);
    return v;
}

nlohmann::json to_compose_json(const ContainerView& v, const std::string& project) {
    nlohmann::json publishers = nlohmann::json::array();
    if (v.record) {
        for (const auto& p : v.record->ports) {
            publishers.push_back({{"URL", p.host_ip.empty() ? "0.0.0.0" : p.host_ip},
                                  {"TargetPort", p.container_port},
                                  {"PublishedPort", p.host_port},
                                  {"Protocol", p.protocol}});
        }
    }
    const int64_t started = v.record ? v.record->started_at : 0;
    return {{"Name", v.name},
            {"Project", project},
            {"Service", v.service},
            {"State", v.state},
            {"Health", v.health},
            {"ExitCode", v.exit_code.value_or(0)},
            {"RestartCount", v.restart_count},
            {"Status", v.status},
            {"RunningFor", v.uptime},
            {"Pid", v.state == "running" && v.record ? v.record->pid : 0},
            {"StartedAt", started},
            {"Ports", v.ports},
            {"Publishers", publishers}};
}

supervise::ProjectState with_live_status(supervise::ProjectState state,
                                         const std::set<std::string>& alive) {
    for (auto& c : state.containers) {
        if (counts_as_running(c.status) && !alive.count(c.name)) c.status = "dead";
    }
    return state;
}

}  // namespace stk::cli::output
