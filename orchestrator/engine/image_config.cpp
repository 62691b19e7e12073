#include "orchestrator/engine/image_config.hpp"

#include <algorithm>

namespace stk::engine {
namespace {

std::optional<model::Healthcheck> merge_healthcheck(const std::optional<model::Healthcheck>& mine,
                                                    const std::optional<image::ImageHealthcheck>& theirs) {
    if (!theirs) return mine;
    model::Healthcheck h = mine.value_or(model::Healthcheck{});
    if (h.disable) return h;
    if (h.kind == model::HealthTestKind::Inherit && !theirs->test.empty()) {
        const auto& t = theirs->test;
        if (t[0] == "NONE") {
            h.kind = model::HealthTestKind::None;
        } else if (t[0] == "CMD") {
            h.kind = model::HealthTestKind::Cmd;
            h.test.assign(t.begin() + 1, t.end());
        } else if (t[0] == "CMD-SHELL") {
            h.kind = model::HealthTestKind::CmdShell;
            h.test.assign(t.begin() + 1, t.end());
        }
    }
    if (!h.interval) h.interval = theirs->interval;
    if (!h.timeout) h.timeout = theirs->timeout;
    if (!h.start_period) h.start_period = theirs->start_period;
    if (!h.start_interval) h.start_interval = theirs->start_interval;
    if (!h.retries && theirs->retries) h.retries = static_cast<uint64_t>(*theirs->retries);
    return h;
}

bool mounted_at(const model::Service& s, const std::string& path) {
    auto same = [&](std::string t) {
        while (t.size() > 1 && t.back() == '/') t.pop_back();
        std::string p = path;
        while (p.size() > 1 && p.back() == '/') p.pop_back();
        return t == p;
    };
    for (const auto& v : s.volumes)
        if (same(v.target)) return true;
    for (const auto& t : s.tmpfs)
        if (same(t.substr(0, t.find(':')))) return true;
    return false;
}

}  // namespace

model::Service apply_image_config(const model::Service& service, const image::OciImageConfig& c) {
    model::Service s = service;
    std::vector<std::string> entrypoint, cmd;
    if (service.entrypoint) {
        entrypoint = service.entrypoint->argv;
        if (service.command) cmd = service.command->argv;
    } else {
        entrypoint = c.entrypoint.value_or(std::vector<std::string>{});
        cmd = service.command ? service.command->argv : c.cmd.value_or(std::vector<std::string>{});
    }
    s.entrypoint = model::CommandLine{entrypoint, false};
    s.command = model::CommandLine{cmd, false};

    model::OptionalStringMap env;
    for (const auto& kv : c.env) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) env[kv] = std::string();
        else env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : service.environment)
        if (v || !env.count(k)) env[k] = v;  // an unresolved bare KEY keeps the image's value
    s.environment = std::move(env);

    if (s.working_dir.empty()) s.working_dir = c.working_dir;
    if (s.user.empty()) s.user = c.user;
    if (s.stop_signal.empty()) s.stop_signal = c.stop_signal;
    s.healthcheck = merge_healthcheck(service.healthcheck, c.healthcheck);

    for (const auto& path : c.volumes) {
        if (mounted_at(s, path)) continue;
        model::VolumeMount v;
        v.type = "volume";
        v.target = path;
        s.volumes.push_back(std::move(v));
    }
    for (const auto& port : c.exposed_ports)
        if (std::find(s.expose.begin(), s.expose.end(), port) == s.expose.end()) s.expose.push_back(port);
    for (const auto& [k, v] : c.labels) s.labels.emplace(k, v);  // the service's win
    return s;
}

}  // namespace stk::engine
