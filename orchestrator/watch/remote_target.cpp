#include "orchestrator/watch/remote_target.hpp"

#include <fmt/format.h>

#include "orchestrator/plan/observe.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::watch {

plan::Observed RemoteTarget::observe() { return plan::observe(run_root(), project_); }

StepResult RemoteTarget::request(const nlohmann::json& req) {
    StepResult r;
    try {
        auto reply = engine::send_control_request(project_, req);
        if (!reply) {
            r.ok = false;
            r.error =
                fmt::format("project \"{}\" has no running supervisor (stack down?)", project_);
            return r;
        }
        r.lines = reply->value("lines", std::vector<std::string>{});
        r.ok = reply->value("ok", false);
        if (!r.ok) r.error = reply->value("error", "failed");
    } catch (const std::exception& e) {
        r.ok = false;
        r.error = e.what();
    }
    return r;
}

void RemoteTarget::converge(const load::LoadOptions& options, load::LoadedProject,
                            const engine::UpOptions& up, StepDone done) {
    load::LoadOptions lo = options;
    lo.project_name = project_;
    done(request({{"op", "converge"}, {"load", engine::load_options_to_json(lo)}, {"up", up}}));
}

void RemoteTarget::restart(const std::string& service, StepDone done) {
    done(request({{"op", "restart"}, {"services", {service}}}));
}

std::vector<std::pair<std::string, pid_t>> RemoteTarget::running(const std::string& service) {
    std::vector<std::pair<std::string, pid_t>> out;
    auto observed = observe();
    if (!observed.state) return out;
    for (const auto& c : observed.state->containers)
        if (c.service == service && c.status == "running" && c.pid > 0 &&
            observed.alive.count(c.name))
            out.emplace_back(c.name, c.pid);
    return out;
}

}  // namespace stk::watch
