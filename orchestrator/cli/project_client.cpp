#include "orchestrator/cli/project_client.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "orchestrator/cli/output/progress_renderer.hpp"
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {

supervise::ProjectState require_state(const std::string& project) {
    auto state = supervise::StateStore(run_root(), project).load();
    if (!state) throw Error(fmt::format("project \"{}\" is not running", project));
    return *state;
}

std::vector<supervise::ContainerRecord> service_containers(const supervise::ProjectState& state,
                                                           const std::string& service) {
    std::vector<supervise::ContainerRecord> out;
    for (const auto& c : state.containers)
        if (c.service == service) out.push_back(c);
    if (out.empty())
        throw Error(fmt::format("service \"{}\" has no container in project \"{}\"", service,
                                state.project));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    return out;
}

supervise::ContainerRecord service_container(const supervise::ProjectState& state,
                                             const std::string& service, int index) {
    for (const auto& c : service_containers(state, service))
        if (c.index == index) return c;
    throw Error(fmt::format("service \"{}\" has no container with index {}", service, index));
}

supervise::ContainerRecord container_or_service(const supervise::ProjectState& state,
                                                const std::string& name) {
    if (const auto* c = state.find(name)) return *c;
    return service_containers(state, name).front();
}

std::vector<RunningContainer> running_containers(const supervise::ProjectState& state,
                                                 const std::vector<std::string>& services) {
    std::vector<RunningContainer> out;
    for (const auto& c : state.containers) {
        if (!services.empty() &&
            std::find(services.begin(), services.end(), c.service) == services.end())
            continue;
        auto live = runtime::find_container(c.name);
        if (live && live->status != runtime::Status::Exited)
            out.push_back({c.name, c.service, live->cgroup, live->pid});
    }
    return out;
}

nlohmann::json supervisor_request(const std::string& project, const nlohmann::json& request,
                                  std::optional<std::chrono::milliseconds> timeout) {
    auto reply = engine::send_control_request(project, request, timeout);
    if (!reply) throw Error(fmt::format("project \"{}\" is not running", project));
    return *reply;
}

int print_reply(const nlohmann::json& reply) {
    auto plain = output::plain_renderer(std::cout);
    return print_reply(reply, *plain);
}

int print_reply(const nlohmann::json& reply, output::ProgressRenderer& progress, bool streamed) {
    if (!streamed)
        for (const auto& l : reply.value("lines", std::vector<std::string>{})) progress.line(l);
    progress.finish();
    for (const auto& e : reply.value("errors", std::vector<std::string>{}))
        std::cerr << "stack: " << e << '\n';
    if (reply.value("ok", false)) return 0;
    if (!reply.contains("errors")) std::cerr << "stack: " << reply.value("error", "failed") << '\n';
    return 1;
}

int launch_supervisor(const std::string& project, const nlohmann::json& request,
                      output::ProgressRenderer& progress) {
    bool streamed = false;
    auto report = engine::launch_detached_supervisor(project, request, [&](const std::string& line) {
        streamed = true;
        progress.line(line);
    });
    if (!streamed)
        for (const auto& l : report.lines) progress.line(l);
    progress.finish();
    if (!report.ok) std::cerr << "stack: " << report.error << '\n';
    std::cout.flush();
    return report.ok ? 0 : 1;
}

}  // namespace stk::cli
