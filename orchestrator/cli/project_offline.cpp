#include "orchestrator/cli/project_offline.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "network/netns/net_namespace.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/progress_renderer.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/engine/detached_launch.hpp"
#include "orchestrator/engine/teardown.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/container.hpp"
#include "runtime/container_freeze.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

bool runs(const runtime::ContainerState& s) { return s.status != runtime::Status::Exited; }

// `fn` on each selected container that still runs; an error is reported and the rest go on.
int for_running(const std::string& project, const std::vector<std::string>& services,
                output::ProgressRenderer& progress,
                const std::function<void(const supervise::ContainerRecord&)>& fn) {
    auto st = require_state(project);
    int code = 0;
    for (const auto& c : selected_records(st, services)) {
        auto live = runtime::find_container(c.name);
        if (!live || !runs(*live)) continue;
        try {
            fn(c);
        } catch (const std::exception& e) {
            progress.event({"Container", c.name, "Error", {}});
            std::cerr << "stack: " << e.what() << '\n';
            code = 1;
        }
    }
    progress.finish();
    return code;
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The record follows what the runtime says of the container now.
void record_runtime_status(const std::string& project, const std::string& name) {
    auto live = runtime::find_container(name);
    supervise::StateStore(run_root(), project).update([&](supervise::ProjectState& st) {
        auto* r = st.find(name);
        if (!r) return;
        if (!live || !runs(*live)) {
            r->status = "exited";
            r->pid = 0;
            r->pid_start_time = 0;
            r->finished_at = now_ns();
            r->manually_stopped = true;
            if (live && live->exit) r->exit_code = live->exit->exit_code();
        } else {
            r->status = live->status == runtime::Status::Paused ? "paused" : "running";
        }
    });
}

}  // namespace

std::vector<supervise::ContainerRecord> selected_records(const supervise::ProjectState& state,
                                                         const std::vector<std::string>& services) {
    if (services.empty()) return state.containers;
    std::vector<supervise::ContainerRecord> out;
    for (const auto& s : services) {
        size_t before = out.size();
        for (const auto& c : state.containers)
            if (c.service == s) out.push_back(c);
        if (out.size() == before)
            throw Error(fmt::format("no container of service \"{}\" exists; run stack up", s));
    }
    return out;
}

int stop_offline(const std::string& project, const std::vector<std::string>& services,
                 std::optional<std::chrono::milliseconds> grace, output::ProgressRenderer& progress) {
    return for_running(project, services, progress, [&](const supervise::ContainerRecord& c) {
        progress.event({"Container", c.name, "Stopping", {}});
        runtime::stop_container(c.name, grace);
        record_runtime_status(project, c.name);
        progress.event({"Container", c.name, "Stopped", {}});
    });
}

int kill_offline(const std::string& project, const std::vector<std::string>& services, int signal,
                 output::ProgressRenderer& progress) {
    return for_running(project, services, progress, [&](const supervise::ContainerRecord& c) {
        runtime::kill_container(c.name, signal);
        progress.event({"Container", c.name, "Killed", {}});
    });
}

int pause_offline(const std::string& project, const std::vector<std::string>& services, bool pause,
                  output::ProgressRenderer& progress) {
    return for_running(project, services, progress, [&](const supervise::ContainerRecord& c) {
        runtime::set_container_paused(c.name, pause);
        record_runtime_status(project, c.name);
        progress.event({"Container", c.name, pause ? "Paused" : "Unpaused", {}});
    });
}

namespace {

// The files the project was started from when run from elsewhere with only -p.
load::LoadOptions recorded_load_options(const GlobalOptions& g, const std::string& project,
                                        const supervise::ProjectState& st) {
    load::LoadOptions lo = g.absolute_load_options();
    if (g.files.empty() && !st.config_files.empty()) {
        lo.files = st.config_files;
        if (!lo.project_directory) lo.project_directory = st.working_dir;
    }
    lo.project_name = project;
    return lo;
}

// `services` plus, transitively, the recorded services that declare `restart: true` on one.
std::vector<std::string> with_restart_followers(const model::Project& model,
                                                const supervise::ProjectState& st,
                                                std::vector<std::string> services) {
    auto recorded = [&](const std::string& name) {
        return std::any_of(st.containers.begin(), st.containers.end(),
                           [&](const auto& c) { return c.service == name; });
    };
    for (size_t i = 0; i < services.size(); ++i)
        for (const auto& f : model.restart_followers(services[i]))
            if (recorded(f) && std::find(services.begin(), services.end(), f) == services.end())
                services.push_back(f);
    return services;
}

}  // namespace

int restart_offline(const GlobalOptions& g, const std::string& project,
                    const std::vector<std::string>& services,
                    std::optional<std::chrono::milliseconds> grace,
                    output::ProgressRenderer& progress) {
    std::vector<std::string> names = services;
    if (!names.empty()) {
        auto st = require_state(project);
        names = with_restart_followers(
            load::load_project(recorded_load_options(g, project, st)).project, st, names);
    }
    if (stop_offline(project, names, grace, progress) != 0) return 1;
    return start_offline(g, project, names, progress);
}

int start_offline(const GlobalOptions& g, const std::string& project,
                  const std::vector<std::string>& services, output::ProgressRenderer& progress) {
    auto st = require_state(project);
    engine::UpOptions up;
    up.only_selected = true;
    for (const auto& c : selected_records(st, services))
        if (std::find(up.services.begin(), up.services.end(), c.service) == up.services.end())
            up.services.push_back(c.service);
    for (const auto& c : st.containers) up.scale[c.service] = std::max(up.scale[c.service], c.index);
    load::LoadOptions lo = recorded_load_options(g, project, st);
    nlohmann::json req = engine::supervise_request(lo, up);
    req["resume"] = true;
    return launch_supervisor(project, req, progress);
}

int rm_offline(const std::string& project, const std::vector<std::string>& services, bool volumes,
               output::ProgressRenderer& progress) {
    auto st = require_state(project);
    supervise::StateStore store(run_root(), project);
    int code = 0;
    for (const auto& c : selected_records(st, services)) {
        auto live = runtime::find_container(c.name);
        if (live && runs(*live)) continue;  // compose's rm: stopped containers only
        std::vector<std::string> errors;
        try {
            runtime::discard_container(c.name);
            for (const auto& ns : c.netns)
                if (net::NetNamespace::exists(ns)) net::NetNamespace::open(ns).destroy();
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
        if (volumes) engine::remove_anonymous_volumes(project, c.name, errors);
        std::error_code ec;
        std::filesystem::remove(store.dir() / "logs" / (c.name + ".log"), ec);
        std::filesystem::remove_all(store.dir() / "containers" / c.name, ec);
        store.update([&](supervise::ProjectState& disk) { disk.erase(c.name); });
        for (const auto& e : errors) std::cerr << "stack: " << e << '\n';
        if (!errors.empty()) code = 1;
        progress.event({"Container", c.name, errors.empty() ? "Removed" : "Error", {}});
    }
    progress.finish();
    return code;
}

std::vector<std::pair<std::string, int>> exit_codes_offline(const std::string& project,
                                                            const std::vector<std::string>& services) {
    auto st = require_state(project);
    std::vector<std::pair<std::string, int>> out;
    for (const auto& c : selected_records(st, services)) {
        auto live = runtime::find_container(c.name);
        if (live && runs(*live))
            throw Error(fmt::format("container {} runs without a supervisor, which alone could "
                                    "collect its exit code: run stack stop, then stack start",
                                    c.name));
        std::optional<int> code;
        if (c.status == "exited") code = c.exit_code;
        if (!code && live && live->exit) code = live->exit->exit_code();
        if (!code)
            throw Error(fmt::format("container {} has no recorded exit code (it never ran, or "
                                    "stopped while no supervisor ran)",
                                    c.name));
        out.emplace_back(c.name, *code);
    }
    return out;
}

}  // namespace stk::cli
