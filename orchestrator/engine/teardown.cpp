#include "orchestrator/engine/teardown.hpp"

#include <fmt/format.h>

#include <set>

#include "network/netns/net_namespace.hpp"
#include "orchestrator/engine/naming.hpp"
#include "orchestrator/engine/project_network.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/container.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::engine {
namespace fs = std::filesystem;

std::string anonymous_volume_prefix(const std::string& project) {
    return project + "_anon_";
}

fs::path volume_root(const std::string& volume_name) {
    return data_root() / "volumes" / volume_name;
}

void remove_anonymous_volumes(const std::string& project, const std::string& container,
                              std::vector<std::string>& errors) {
    // The index follows the container's name: "p_anon_p-db-1_" never matches p-db-10's.
    const std::string prefix = anonymous_volume_prefix(project) + container + "_";
    std::error_code ec;
    for (fs::directory_iterator it(data_root() / "volumes", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename().string().rfind(prefix, 0) != 0) continue;
        std::error_code rec;
        fs::remove_all(it->path(), rec);
        if (rec) errors.push_back(fmt::format("remove volume \"{}\": {}", it->path().string(), rec.message()));
    }
}

void remove_project_volumes(const std::string& project, const model::Project* model, bool named,
                            std::vector<std::string>& errors) {
    std::set<std::string> names;
    std::error_code ec;
    fs::path root = data_root() / "volumes";
    std::string anon = anonymous_volume_prefix(project);
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        std::string n = it->path().filename().string();
        if (n.rfind(anon, 0) == 0) names.insert(n);
        else if (named && n.rfind(project + "_", 0) == 0) names.insert(n);
    }
    if (named && model) {
        for (const auto& [key, v] : model->volumes)
            if (!v.external) names.insert(v.name);
    }
    for (const auto& n : names) {
        std::error_code rec;
        fs::remove_all(volume_root(n), rec);
        if (rec) errors.push_back(fmt::format("remove volume \"{}\": {}", n, rec.message()));
    }
}

TeardownReport teardown_from_disk(const std::string& project, const DownOptions& options,
                                  const model::Project* model) {
    TeardownReport report;
    auto attempt = [&](const std::string& what, auto&& fn) {
        try {
            fn();
        } catch (const std::exception& e) {
            report.errors.push_back(fmt::format("{}: {}", what, e.what()));
        }
    };
    supervise::StateStore store(run_root(), project);
    std::optional<supervise::ProjectState> state;
    attempt("read the project state", [&] { state = store.load(); });

    std::set<std::string> containers;
    std::set<std::string> netns;
    std::set<std::string> networks;
    if (state) {
        report.nothing_to_do = false;
        for (const auto& c : state->containers) {
            containers.insert(c.name);
            for (const auto& n : c.netns) netns.insert(n);
        }
        for (const auto& n : state->networks) networks.insert(n);
        // The supervisor itself, if it still lives (a stuck one): it must not recreate anything.
        if (state->supervisor_pid > 0 &&
            supervise::process_alive(state->supervisor_pid, state->supervisor_start_time))
            ::kill(state->supervisor_pid, SIGKILL);
    }
    attempt("list containers", [&] {
        for (const auto& c : runtime::list_containers()) {
            auto it = c.labels.find("com.docker.compose.project");
            if (it != c.labels.end() && it->second == project) containers.insert(c.name);
        }
    });
    if (model)
        for (const auto& [key, n] : model->networks)
            if (!n.external) networks.insert(key);
    for (const auto& name : containers) netns.insert(container_netns_name(name));

    // Signal everything first so the grace periods run side by side.
    std::vector<std::string> present;
    for (const auto& name : containers) {
        auto st = runtime::find_container(name);
        if (!st) {  // no record, but perhaps a writable layer kept between two runs
            attempt(fmt::format("remove container \"{}\"", name),
                    [&] { runtime::discard_container(name); });
            continue;
        }
        present.push_back(name);
        if (st->status == runtime::Status::Running || st->status == runtime::Status::Paused) {
            try {
                runtime::kill_container(name, st->stop_signal);
            } catch (const std::exception&) {
                // Exited meanwhile: stop_container below finds it not running.
            }
        }
    }
    for (const auto& name : present) {
        report.nothing_to_do = false;
        attempt(fmt::format("stop container \"{}\"", name),
                [&] { runtime::stop_container(name, options.timeout); });
        attempt(fmt::format("remove container \"{}\"", name), [&] {
            runtime::remove_container(name, true);
            report.removed.push_back(fmt::format("Container {}  Removed", name));
        });
    }
    for (const auto& n : netns) {
        if (!net::NetNamespace::exists(n)) continue;
        report.nothing_to_do = false;
        attempt(fmt::format("remove network namespace \"{}\"", n),
                [&] { net::NetNamespace::open(n).destroy(); });
    }
    for (const auto& key : networks) {
        if (net::BridgeNetwork::exists(network_id(project, key))) {
            report.nothing_to_do = false;
            report.removed.push_back(fmt::format("Network {}_{}  Removed", project, key));
        }
        remove_project_network(project, key);
    }
    remove_project_volumes(project, model, options.volumes, report.errors);
    attempt("remove the project state", [&] { store.remove(); });
    return report;
}

}  // namespace stk::engine
