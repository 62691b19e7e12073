#include "orchestrator/engine/supervisor.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/image_config.hpp"
#include "orchestrator/engine/naming.hpp"
#include "orchestrator/engine/service_policies.hpp"
#include "orchestrator/engine/service_build.hpp"
#include "orchestrator/engine/supervisor_impl.hpp"
#include "orchestrator/load/hash.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::engine {
namespace asio = boost::asio;
using supervise::Clock;

namespace {

int64_t wall_ns(supervise::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               supervise::to_wall(t).time_since_epoch())
        .count();
}

GateCondition condition_of(const std::string& text) {
    if (text == "service_healthy") return GateCondition::Healthy;
    if (text == "service_completed_successfully") return GateCondition::CompletedSuccessfully;
    return GateCondition::Started;
}

// The answer a gate has now, if any: compose's wording for failures.
std::optional<std::pair<bool, std::string>> evaluate(const ServiceRuntime& s, GateCondition c) {
    const std::string first = s.instances.empty() ? s.service.name : s.instances.front()->name;
    if (s.failure) return std::make_pair(false, *s.failure);
    switch (c) {
        case GateCondition::Started:
            if (s.started) return std::make_pair(true, std::string());
            return std::nullopt;
        case GateCondition::Healthy:
            if (!s.health.enabled())
                return std::make_pair(
                    false, fmt::format("container {} has no healthcheck configured", first));
            if (s.healthy) return std::make_pair(true, std::string());
            if (s.unhealthy_output) {
                std::string out = *s.unhealthy_output;
                while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
                return std::make_pair(
                    false, fmt::format("dependency failed to start: container {} is unhealthy{}",
                                       *s.unhealthy_container,
                                       out.empty() ? "" : " (last probe: " + out + ")"));
            }
            if (s.exited)
                return std::make_pair(
                    false, fmt::format("dependency failed to start: container {} exited ({})",
                                       s.exited->first, s.exited->second));
            return std::nullopt;
        case GateCondition::CompletedSuccessfully:
            if (s.exited) {
                if (s.exited->second == 0) return std::make_pair(true, std::string());
                return std::make_pair(
                    false, fmt::format("service \"{}\" didn't complete successfully: exit {}",
                                       s.service.name, s.exited->second));
            }
            return std::nullopt;
    }
    return std::nullopt;
}

// A report as the control socket's answer: {"ok", "error", "lines"}.
nlohmann::json report_reply(const ReadyReport& r) {
    nlohmann::json j = r.ok ? ok_reply() : error_reply(r.error);
    j["lines"] = r.lines;
    return j;
}

}  // namespace

Supervisor::Impl::Impl(load::LoadedProject p, SupervisorOptions o)
    : loaded(std::move(p)),
      opts(std::move(o)),
      store(run_root(), loaded.project.name),
      prefixer(opts.log_format) {}

Supervisor::Supervisor(load::LoadedProject project, SupervisorOptions options)
    : impl_(std::make_unique<Impl>(std::move(project), std::move(options))) {}

Supervisor::~Supervisor() = default;

int Supervisor::run(std::function<void(const ReadyReport&)> on_ready) {
    return impl_->run(std::move(on_ready));
}

int Supervisor::Impl::run(std::function<void(const ReadyReport&)> ready_fn) {
    on_ready = std::move(ready_fn);
    if (opts.watch)
        on_ready = [this, first = std::move(on_ready)](const ReadyReport& r) {
            if (first) first(r);
            if (r.ok && !shutting_down) start_watch();
        };
    const std::string& project = loaded.project.name;
    if (auto old = store.load()) {
        if (old->supervisor_pid > 0 && old->supervisor_pid != ::getpid() &&
            supervise::process_alive(old->supervisor_pid, old->supervisor_start_time))
            throw Error(fmt::format("project \"{}\" already has a supervisor (pid {})", project,
                                    old->supervisor_pid));
        if (opts.resume) {
            resume_from(*old);
        } else {
            // What a dead supervisor left is replaced, not adopted.
            auto leftover = teardown_from_disk(project, DownOptions{}, &loaded.project);
            for (const auto& e : leftover.errors) spdlog::warn("clean up the previous run: {}", e);
        }
    } else if (opts.resume) {
        throw Error(fmt::format("project \"{}\" has no containers: run stack up", project));
    }
    std::filesystem::create_directories(store.dir());
    save_state();
    if (opts.serve_control)
        control = std::make_unique<ControlServer>(
            io, control_socket_path(project),
            [this](const nlohmann::json& req, ControlServer::Reply reply,
                   ControlServer::Progress progress) {
                handle_request(req, std::move(reply), std::move(progress));
            });
    signals = std::make_unique<supervise::ShutdownSignals>(
        io,
        [this] {
            interrupted = true;
            if (opts.attached) print_line("Gracefully stopping... (press Ctrl+C again to force)");
            shutdown(!opts.attached, false, std::nullopt,
                     [this](std::vector<std::string>) { io.stop(); });
        },
        [this] { kill_all(); });
    ::signal(SIGPIPE, SIG_IGN);
    asio::post(io, [this] { begin_up(); });
    io.run();
    if (!ready_sent) send_ready(false, "the supervisor stopped before the project was up");
    if (abort_code) return *abort_code;
    if (interrupted && opts.attached) return 130;
    return exit_code;
}

void Supervisor::Impl::print_line(const std::string& text) {
    std::string line = text;
    if (line.empty() || line.back() != '\n') line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void Supervisor::Impl::note(const std::string& line, bool in_report) {
    if (ready_sent) return;
    if (in_report) report.lines.push_back(line);
    if (opts.on_progress && !first_ready_sent) opts.on_progress(line);
}

void Supervisor::Impl::note_instances(const ServiceRuntime& s, const char* state) {
    for (const auto& in : s.instances) note(fmt::format("Container {}  {}", in->name, state), false);
}

void Supervisor::Impl::prepare_services(const model::Project& project) {
    for (const auto& svc : project.services) {
        if (auto it = services.find(svc.name); it != services.end() && !it->second->instances.empty())
            continue;  // running: converge decided to keep it
        auto s = std::make_unique<ServiceRuntime>();
        s->service = svc;
        s->x = read_stack_extension(svc, project.working_dir);
        if (auto img = resolved_images.find(svc.name); img != resolved_images.end() && s->x.rootfs.empty()) {
            s->image = img->second;
            s->service = apply_image_config(svc, img->second.config);
        }
        s->health = health_config_of(s->service, s->x);
        s->policy = restart_policy_of(svc);
        s->hash = load::config_hash(svc);
        s->replicas = replicas_of(svc, opts.up.scale);
        services[svc.name] = std::move(s);
    }
}

namespace {

graph::DependencyGraph selected_graph_of(const graph::DependencyGraph& all, const UpOptions& up) {
    if (up.services.empty() && !up.only_selected) return all;
    if (!up.no_deps) return all.with_dependencies(up.services);
    graph::DependencyGraph g;
    for (const auto& s : up.services) g.add_node(s);
    return g;
}

}  // namespace

graph::DependencyGraph Supervisor::Impl::selected_graph() const { return selected_graph_of(loaded.graph, opts.up); }

void Supervisor::Impl::resolve_images(const load::LoadedProject& project, const UpOptions& up) {
    for (const auto& name : selected_graph_of(project.graph, up).nodes()) {
        const model::Service* svc = project.project.find_service(name);
        if (!svc || (svc->image.empty() && !svc->build)) continue;
        if (!read_stack_extension(*svc, project.project.working_dir).rootfs.empty()) continue;
        // A `build:` service without `image:` runs the image `stack build` named for it.
        model::Service named = *svc;
        if (named.image.empty()) named.image = built_image_name(project.project, *svc);
        resolved_images[name] = with_context(fmt::format("service \"{}\"", name), [&] { return images->ensure(named); });
    }
}

void Supervisor::Impl::begin_up() {
    try {
        for (const auto& s : opts.up.services)
            if (!loaded.project.find_service(s))
                throw Error(fmt::format("no such service: {}", s));
        resolve_images(loaded, opts.up);
        prepare_services(loaded.project);
        walk_graph = selected_graph();
        if (opts.resume) add_dormant();
        std::set<std::string> used;
        for (const auto& node : walk_graph.nodes())
            for (const auto& [key, sn] : services.at(node)->service.networks) used.insert(key);
        for (const auto& key : used) {
            networks.emplace(key, create_project_network(io, loaded.project, key));
            note(fmt::format("Network {}_{}  Created", loaded.project.name, key));
        }
        save_state();
    } catch (const std::exception& e) {
        send_ready(false, e.what());
        shutdown(true, false, std::nullopt, [this](std::vector<std::string>) { io.stop(); });
        return;
    }
    size_t cap = opts.up.parallel > 0 ? static_cast<size_t>(opts.up.parallel) : 0;
    walker = std::make_unique<graph::GraphWalker>(walk_graph, graph::Direction::Start, cap);
    walker->on_skip([this](const std::string& node, const std::string& reason) {
        note(fmt::format("Service {}  Skipped: {}", node, reason));
        if (auto it = services.find(node); it != services.end() && !it->second->failure)
            it->second->failure = reason;
    });
    walker->on_finished([this] { walk_finished(); });
    walker->run([this](const std::string& node, graph::GraphWalker::Done done) {
        visit_start(node, std::move(done));
    });
}

void Supervisor::Impl::visit_start(const std::string& node, graph::GraphWalker::Done done) {
    if (shutting_down) return done(false, "the project is stopping");
    ServiceRuntime& s = *services.at(node);
    if (!s.instances.empty()) {  // kept by converge
        for (const auto& in : s.instances) {
            // Stopped by `stack stop`: `up` starts it again, as compose does.
            bool started = false;
            if (!opts.up.no_start && in->stopping && in->status == "exited") {
                try {
                    started = start_stopped(*in);
                } catch (const std::exception& e) {
                    return done(false, fmt::format("service \"{}\": {}", node, e.what()));
                }
            }
            note(fmt::format("Container {}  {}", in->name, started ? "Started" : "Running"));
        }
        return done(true, {});
    }
    struct Pending {
        size_t left = 0;
        std::string error;
    };
    auto pending = std::make_shared<Pending>();
    std::vector<std::tuple<std::string, GateCondition, bool>> gates;
    if (!opts.up.no_start)
        for (const auto& dep : walk_graph.dependencies(node)) {
            GateCondition c = GateCondition::Started;
            if (dep.kind == "depends_on")
                if (auto it = s.service.depends_on.find(dep.service);
                    it != s.service.depends_on.end())
                    c = condition_of(it->second.condition);
            gates.emplace_back(dep.service, c, dep.required);
        }
    pending->left = gates.size();
    // Create first (network plumbing and the container, stopped before exec) so that only
    // start() is left when the gates open, as compose creates before it starts.
    try {
        for (int i = 1; i <= s.replicas; ++i) {
            // `start` brings back what exists: no Creating/Created for it.
            if (!opts.resume)
                note(fmt::format("Container {}  Creating",
                                 container_name(loaded.project, s.service, i)), false);
            create_instance(s, i);
            if (!opts.resume)
                note(fmt::format("Container {}  Created", s.instances.back()->name), false);
        }
    } catch (const std::exception& e) {
        std::string msg = fmt::format("service \"{}\": {}", s.service.name, e.what());
        note(fmt::format("Service {}  Error", s.service.name), false);
        s.failure = msg;
        settle_gates(s);
        save_state();
        return done(false, msg);
    }
    auto go = [this, &s, pending, done]() mutable {
        if (!pending->error.empty()) {
            s.failure = pending->error;
            settle_gates(s);
            return done(false, pending->error);
        }
        start_service(s, std::move(done));
    };
    if (gates.empty()) return go();
    note_instances(s, "Waiting");
    for (const auto& [dep, c, required] : gates) {
        wait_gate(dep, c, [this, pending, go, required = required, dep = dep](
                              bool ok, const std::string& error) mutable {
            if (!ok) {
                if (required) {
                    if (pending->error.empty()) pending->error = error;
                } else {
                    spdlog::warn("optional dependency \"{}\": {}", dep, error);
                    note(
                        fmt::format("Warning: optional dependency {} failed: {}", dep, error));
                }
            }
            if (--pending->left == 0) go();
        });
    }
}

void Supervisor::Impl::start_service(ServiceRuntime& s, graph::GraphWalker::Done done) {
    try {
        for (auto& in : s.instances) {
            if (!opts.up.no_start) {
                note(fmt::format("Container {}  Starting", in->name), false);
                start_container(*in);
                publish_ports(*in);
            }
            note(fmt::format("Container {}  {}", in->name,
                                               opts.up.no_start ? "Created" : "Started"));
        }
    } catch (const std::exception& e) {
        std::string msg = fmt::format("service \"{}\": {}", s.service.name, e.what());
        note(fmt::format("Service {}  Error", s.service.name), false);
        s.failure = msg;
        settle_gates(s);
        save_state();
        return done(false, msg);
    }
    done(true, {});
}

void Supervisor::Impl::wait_gate(const std::string& service, GateCondition c,
                                 std::function<void(bool, const std::string&)> fn) {
    auto it = services.find(service);
    if (it == services.end()) return fn(false, fmt::format("no such service: {}", service));
    if (auto answer = evaluate(*it->second, c)) return fn(answer->first, answer->second);
    it->second->waiters.push_back({c, std::move(fn)});
}

void Supervisor::Impl::settle_gates(ServiceRuntime& s) {
    // Waiters may start containers (and so re-enter here): take the answered ones out first.
    std::vector<std::pair<GateWaiter, std::pair<bool, std::string>>> answered;
    for (auto it = s.waiters.begin(); it != s.waiters.end();) {
        if (auto answer = evaluate(s, it->condition)) {
            answered.emplace_back(std::move(*it), *answer);
            it = s.waiters.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [w, a] : answered) w.fn(a.first, a.second);
}

void Supervisor::Impl::walk_finished() {
    walk_done = true;
    std::vector<std::string> errors;
    for (const auto& node : walk_graph.nodes())
        if (walker->outcome(node) != graph::Outcome::Done) errors.push_back(walker->error(node));
    if (!errors.empty()) {
        std::string joined;
        for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + e;
        send_ready(false, joined);
        return;
    }
    if (opts.up.wait && opts.up.wait_timeout) {
        wait_timer = std::make_unique<supervise::Timer>(io);
        wait_timer->after(*opts.up.wait_timeout, [this] {
            if (!ready_sent) send_ready(false, "timeout waiting for the services to be healthy");
        });
    }
    check_wait_ready();
    // Attached, and every container already exited for good (one-shot jobs): `up` is over.
    if (opts.attached && !shutting_down) {
        bool any = false;
        for (const auto& [name, s] : services)
            for (const auto& i : s->instances) {
                if (i->status != "exited") return;
                any = true;
            }
        if (any) shutdown(false, false, std::nullopt, [this](std::vector<std::string>) { io.stop(); });
    }
}

void Supervisor::Impl::check_wait_ready() {
    if (ready_sent || !walk_done) return;
    if (opts.up.wait && !opts.up.no_start) {
        for (const auto& node : walk_graph.nodes()) {
            ServiceRuntime& s = *services.at(node);
            for (const auto& in : s.instances) {
                if (in->status == "exited") {
                    if (in->exit_code == 0 && s.policy.mode == supervise::RestartMode::No)
                        continue;  // a one-shot job that completed
                    return send_ready(false, fmt::format("container {} exited ({})", in->name,
                                                         in->exit_code.value_or(-1)));
                }
                if (!s.health.enabled()) {
                    if (in->status != "running") return;
                    continue;
                }
                if (!in->monitor) return;
                if (in->monitor->status() == supervise::HealthStatus::Unhealthy)
                    return send_ready(false, fmt::format("container {} is unhealthy", in->name));
                if (in->monitor->status() != supervise::HealthStatus::Healthy) return;
            }
        }
    }
    send_ready(true, {});
}

void Supervisor::Impl::send_ready(bool ok, const std::string& error) {
    if (ready_sent) return;
    ready_sent = true;
    if (wait_timer) wait_timer->cancel();
    report.ok = ok;
    report.error = error;
    if (!ok) exit_code = 1;
    save_state();  // the reply may leave at once; whoever gets it reads the state next
    first_ready_sent = true;
    if (on_ready) on_ready(report);
    for (const auto& line : held_logs) std::fwrite(line.data(), 1, line.size(), stdout);
    if (!held_logs.empty()) std::fflush(stdout);
    held_logs.clear();
}

void Supervisor::Impl::on_final_exit(Instance& in, int code) {
    check_wait_ready();
    if (!opts.attached || shutting_down) return;
    const std::string& svc = in.service->service.name;
    bool abort = opts.abort_on_container_exit || !opts.exit_code_from.empty() ||
                 (opts.abort_on_container_failure && code != 0);
    if (abort) {
        if (!abort_code) {
            if (opts.exit_code_from.empty() || opts.exit_code_from == svc) abort_code = code;
        }
        print_line("Aborting on container exit...");
        shutdown(false, false, std::nullopt, [this](std::vector<std::string>) {
            if (!opts.exit_code_from.empty() && !abort_code) {
                // The selected service did not exit by itself: its status after the stop.
                auto it = services.find(opts.exit_code_from);
                if (it != services.end() && !it->second->instances.empty())
                    abort_code = it->second->instances.front()->exit_code.value_or(0);
            }
            io.stop();
        });
        return;
    }
    // Attached `up` ends when every container has exited for good.
    for (const auto& [name, s] : services)
        for (const auto& i : s->instances)
            if (i->status != "exited") return;
    if (!walk_done) return;
    shutdown(false, false, std::nullopt, [this](std::vector<std::string>) { io.stop(); });
}

void Supervisor::Impl::kill_all() {
    if (opts.attached) print_line("Killing...");
    shutting_down = true;
    for (auto& [name, s] : services)
        for (auto& in : s->instances)
            if (in->running()) stop_instance(*in, std::nullopt, true, nullptr);
}

void Supervisor::Impl::shutdown(bool remove_all, bool volumes,
                                std::optional<std::chrono::milliseconds> timeout,
                                std::function<void(std::vector<std::string>)> done) {
    if (shutdown_complete) {
        if (remove_all) {
            try {
                store.remove();
            } catch (const std::exception& e) {
                spdlog::warn("{}", e.what());
            }
        }
        if (done) done({});
        return;
    }
    if (shutting_down && stop_walker) {
        // Already stopping: answer when that finishes.
        auto prev = std::make_shared<std::function<void(std::vector<std::string>)>>(std::move(done));
        stop_walker->on_finished([this, remove_all, volumes, prev] {
            finish_shutdown(remove_all, volumes, *prev);
        });
        return;
    }
    shutting_down = true;
    // Deferred: the session may be the caller, a few frames up.
    if (watch_session) asio::post(io, [this] { watch_session.reset(); });
    if (!ready_sent) send_ready(false, "the project was stopped");
    for (auto& [name, s] : services)
        for (auto& in : s->instances) in->restart_timer->cancel();
    stop_graph = graph::DependencyGraph{};
    for (const auto& [name, s] : services) stop_graph.add_node(name);
    for (const auto& [name, s] : services)
        for (const auto& dep : loaded.graph.has_node(name) ? loaded.graph.dependencies(name)
                                                           : std::vector<graph::Dependency>{})
            if (services.count(dep.service)) stop_graph.add_edge(name, dep);
    stop_walker = std::make_unique<graph::GraphWalker>(stop_graph, graph::Direction::Stop);
    auto cb = std::make_shared<std::function<void(std::vector<std::string>)>>(std::move(done));
    stop_walker->on_finished([this, remove_all, volumes, cb] {
        // Deferred: the walker must not be destroyed from inside its own callback.
        asio::post(io, [this, remove_all, volumes, cb] { finish_shutdown(remove_all, volumes, *cb); });
    });
    stop_walker->run([this, timeout](const std::string& node, graph::GraphWalker::Done done) {
        ServiceRuntime& s = *services.at(node);
        auto left = std::make_shared<size_t>(s.instances.size() + 1);
        auto one = [left, done]() mutable {
            if (--*left == 0) done(true, {});
        };
        for (auto& in : s.instances) {
            if (!in->running()) {
                stop_instance(*in, timeout, false, one);
                continue;
            }
            std::string stopping = fmt::format("Container {}  Stopping", in->name);
            if (opts.attached) print_line(stopping);
            if (stop_progress) stop_progress(stopping);
            stop_instance(*in, timeout, false, [this, name = in->name, one]() mutable {
                if (stop_progress) stop_progress(fmt::format("Container {}  Stopped", name));
                one();
            });
        }
        one();
    });
}

void Supervisor::Impl::finish_shutdown(bool remove_all, bool volumes,
                                       std::function<void(std::vector<std::string>)> done) {
    shutdown_complete = true;
    std::vector<std::string> errors;
    for (auto& [name, s] : services)
        for (auto& in : s->instances) {
            if (opts.attached) print_line(fmt::format("Container {}  Stopped", in->name));
            remove_instance(*in, errors);
            if (remove_all && stop_progress) stop_progress(fmt::format("Container {}  Removed", in->name));
        }
    remove_one_offs(errors);
    for (auto& [key, n] : networks) {
        destroy_project_network(n, loaded.project.name);
        if (remove_all && stop_progress)
            stop_progress(fmt::format("Network {}_{}  Removed", loaded.project.name, key));
    }
    networks.clear();
    remove_project_volumes(loaded.project.name, &loaded.project, volumes, errors);
    control.reset();
    if (remove_all) {
        try {
            store.remove();
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    } else {
        save_state();
    }
    for (const auto& e : errors) spdlog::warn("{}", e);
    if (done) done(errors);
}

supervise::ProjectState Supervisor::Impl::snapshot() const {
    supervise::ProjectState st;
    st.project = loaded.project.name;
    st.working_dir = loaded.project.working_dir.string();
    for (const auto& f : loaded.tree.files) st.config_files.push_back(f.string());
    st.supervisor_pid = shutting_down && !control ? 0 : ::getpid();
    st.supervisor_start_time = st.supervisor_pid ? supervise::process_start_time(st.supervisor_pid).value_or(0) : 0;
    for (const auto& [key, n] : networks) st.networks.push_back(key);
    for (const auto& [name, s] : services)
        for (const auto& in : s->instances) {
            supervise::ContainerRecord r;
            r.name = in->name;
            r.service = name;
            r.index = in->index;
            r.config_hash = s->hash;
            const bool live = in->status == "running" || in->status == "paused";
            r.pid = live ? in->pid : 0;
            r.pid_start_time = live ? in->pid_start_time : 0;
            r.status = in->status;
            r.exit_code = in->exit_code;
            r.restart_count = in->restart->restart_count();
            r.manually_stopped = in->restart->manually_stopped();
            r.started_at = in->started_at;
            r.finished_at = in->finished_at;
            if (in->monitor) {
                supervise::HealthRecord h;
                h.status = std::string(supervise::to_string(in->monitor->status()));
                h.failing_streak = in->monitor->failing_streak();
                for (const auto& p : in->monitor->log())
                    h.log.push_back({wall_ns(p.start), wall_ns(p.end), p.exit_code, p.output});
                r.health = h;
            }
            for (const auto& [key, addr] : in->addresses) r.addresses[key] = net::ipv4_to_string(addr);
            r.ports = in->ports;
            if (in->netns) r.netns.push_back(in->netns->name());
            st.containers.push_back(std::move(r));
        }
    return st;
}

void Supervisor::Impl::save_state() {
    try {
        auto st = snapshot();
        store.update([&](supervise::ProjectState& disk) { disk = st; });
    } catch (const std::exception& e) {
        spdlog::warn("save the project state: {}", e.what());
    }
}

void Supervisor::Impl::handle_request(const nlohmann::json& req, ControlServer::Reply reply,
                                      ControlServer::Progress progress) {
    std::string op = req.value("op", "");
    try {
        if (op == "ps") {
            return reply(ok_reply({{"state", snapshot()}}), {});
        }
        if (op == "down" || op == "stop") {
            std::optional<std::chrono::milliseconds> timeout;
            if (req.contains("timeout_ms") && !req["timeout_ms"].is_null())
                timeout = std::chrono::milliseconds(req["timeout_ms"].get<int64_t>());
            bool down = op == "down";
            bool volumes = req.value("volumes", false);
            // What the reply will say was done, listed before the shutdown forgets it.
            std::vector<std::string> lines;
            for (const auto& [name, s] : services)
                for (const auto& in : s->instances)
                    lines.push_back(fmt::format("Container {}  {}", in->name,
                                                down ? "Removed" : "Stopped"));
            if (down)
                for (const auto& [key, n] : networks)
                    lines.push_back(fmt::format("Network {}_{}  Removed", loaded.project.name, key));
            stop_progress = progress;
            shutdown(down, volumes, timeout, [this, reply, lines](std::vector<std::string> errors) {
                stop_progress = nullptr;
                nlohmann::json r = errors.empty() ? ok_reply() : error_reply(fmt::format(
                                                                    "{} error(s) while removing: {}",
                                                                    errors.size(), errors.front()));
                r["errors"] = errors;
                r["lines"] = lines;
                reply(r, [this] { io.stop(); });
            });
            return;
        }
        if (op == "converge") return converge(req, std::move(reply));
        if (op == "restart") {
            std::optional<std::chrono::milliseconds> timeout;
            if (req.contains("timeout_ms") && !req["timeout_ms"].is_null())
                timeout = std::chrono::milliseconds(req["timeout_ms"].get<int64_t>());
            auto names = req.value("services", std::vector<std::string>{});
            return restart_services(names, timeout, [reply](const ReadyReport& r) {
                reply(report_reply(r), {});
            });
        }
        if (handle_command(op, req, reply, progress)) return;
        reply(error_reply(fmt::format("unknown op \"{}\"", op)), {});
    } catch (const std::exception& e) {
        reply(error_reply(e.what()), {});
    }
}

void Supervisor::Impl::converge(const nlohmann::json& req, ControlServer::Reply reply) {
    if (shutting_down) return reply(error_reply("the project is stopping"), {});
    load::LoadedProject next = load::load_project(load_options_from_json(req.at("load")));
    UpOptions up = req.value("up", nlohmann::json::object()).get<UpOptions>();
    converge_to(std::move(next), up,
                [reply](const ReadyReport& r) { reply(report_reply(r), {}); });
}

void Supervisor::Impl::converge_to(load::LoadedProject next, const UpOptions& up,
                                   std::function<void(const ReadyReport&)> done) {
    if (shutting_down) return done(ReadyReport{false, "the project is stopping", {}});
    try {
        resolve_images(next, up);
    } catch (const std::exception& e) {
        return done(ReadyReport{false, e.what(), {}});
    }
    std::vector<std::string> lines;
    // Which services change: config hash, --force-recreate, and `restart: true` dependants.
    std::set<std::string> recreate;
    for (const auto& svc : next.project.services) {
        auto it = services.find(svc.name);
        if (it == services.end() || it->second->instances.empty()) continue;
        bool changed = load::config_hash(svc) != it->second->hash ||
                       replicas_of(svc, up.scale) != it->second->replicas;
        if ((changed && !up.no_recreate) || up.force_recreate) recreate.insert(svc.name);
    }
    for (std::vector<std::string> todo(recreate.begin(), recreate.end()); !todo.empty();) {
        std::string name = todo.back();
        todo.pop_back();
        for (const auto& f : next.project.restart_followers(name))
            if (services.count(f) && !services.at(f)->instances.empty() && recreate.insert(f).second)
                todo.push_back(f);
    }
    std::vector<std::string> removed;
    for (const auto& [name, s] : services)
        if (!next.project.find_service(name)) removed.push_back(name);
    auto after_stop = [this, next = std::make_shared<load::LoadedProject>(std::move(next)), up,
                       recreate, removed, lines, done]() mutable {
        converge_stop_walker.reset();
        std::vector<std::string> errors;
        std::vector<std::string> out = lines;
        for (const auto& name : recreate) {
            for (auto& in : services.at(name)->instances) {
                remove_instance(*in, errors);
                out.push_back(fmt::format("Container {}  Recreate", in->name));
            }
            services.erase(name);
        }
        for (const auto& name : removed) {
            if (up.remove_orphans) {
                for (auto& in : services.at(name)->instances) {
                    remove_instance(*in, errors);
                    out.push_back(fmt::format("Container {}  Removed", in->name));
                }
                services.erase(name);
            } else {
                out.push_back(fmt::format(
                    "Found orphan containers for service {}: run with --remove-orphans to remove "
                    "them", name));
            }
        }
        loaded.project = std::move(next->project);
        loaded.tree = std::move(next->tree);
        loaded.graph = std::move(next->graph);
        opts.up = up;
        prepare_services(loaded.project);
        walk_graph = selected_graph();
        // Keep what already runs (orphans included) in the graph so that a later down stops it
        // in order; services never started stay out, as the selection says.
        for (const auto& [name, s] : services)
            if (!s->instances.empty()) walk_graph.add_node(name);
        try {
            for (const auto& node : walk_graph.nodes())
                for (const auto& [key, sn] : services.at(node)->service.networks)
                    if (!networks.count(key))
                        networks.emplace(key, create_project_network(io, loaded.project, key));
        } catch (const std::exception& e) {
            return done(ReadyReport{false, e.what(), out});
        }
        ready_sent = false;
        walk_done = false;
        report = ReadyReport{};
        report.lines = out;
        on_ready = done;
        walker = std::make_unique<graph::GraphWalker>(walk_graph, graph::Direction::Start,
                                                      up.parallel > 0 ? up.parallel : 0);
        walker->on_skip([this](const std::string& node, const std::string& reason) {
            note(fmt::format("Service {}  Skipped: {}", node, reason));
        });
        walker->on_finished([this] { walk_finished(); });
        walker->run([this](const std::string& node, graph::GraphWalker::Done done) {
            visit_start(node, std::move(done));
        });
        save_state();
    };
    // Dependants stop before their dependencies (independent ones in parallel), as `down`.
    std::set<std::string> to_stop = recreate;
    if (up.remove_orphans) to_stop.insert(removed.begin(), removed.end());
    converge_stop_graph = loaded.graph.ordering_among(to_stop);
    for (const auto& name : to_stop) converge_stop_graph.add_node(name);
    converge_stop_walker =
        std::make_unique<graph::GraphWalker>(converge_stop_graph, graph::Direction::Stop);
    converge_stop_walker->on_finished([this, after_stop]() mutable {
        // Deferred: the walker must not be destroyed from inside its own callback.
        asio::post(io, [after_stop]() mutable { after_stop(); });
    });
    converge_stop_walker->run([this, timeout = up.timeout](const std::string& node,
                                                           graph::GraphWalker::Done done) {
        auto& instances = services.at(node)->instances;
        auto left = std::make_shared<size_t>(instances.size() + 1);
        auto one = [left, done]() mutable {
            if (--*left == 0) done(true, {});
        };
        for (auto& in : instances) stop_instance(*in, timeout, false, one);
        one();
    });
}

}  // namespace stk::engine
