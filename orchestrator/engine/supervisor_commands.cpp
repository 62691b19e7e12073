// The everyday commands the supervisor carries out for the CLI (control ops, see
// control_protocol.hpp): start, stop, restart, kill, pause, unpause, rm, wait, and the network
// side of `run`'s one-off containers (the CLI creates and owns the container itself).
#include <signal.h>

#include <fmt/format.h>

#include "orchestrator/engine/signal_names.hpp"
#include "orchestrator/engine/supervisor_impl.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::engine {
namespace {

using Ms = std::chrono::milliseconds;
using Impl = Supervisor::Impl;
using Step = std::function<void(const std::string&, std::function<void()>)>;

std::optional<Ms> timeout_of(const nlohmann::json& req) {
    if (req.contains("timeout_ms") && req["timeout_ms"].is_number())
        return Ms(req["timeout_ms"].get<int64_t>());
    return std::nullopt;
}

// The services a request names (all when none), each checked to exist.
std::set<std::string> selection(const Impl& impl, const nlohmann::json& req) {
    std::set<std::string> out;
    for (const auto& s : req.value("services", std::vector<std::string>{})) {
        if (!impl.services.count(s)) throw Error(fmt::format("no such service: {}", s));
        out.insert(s);
    }
    if (out.empty())
        for (const auto& [name, s] : impl.services) out.insert(name);
    return out;
}

// `names` and the edges among them, walked in `dir` order one at a time.
std::vector<std::string> ordered(const Impl& impl, const std::set<std::string>& names,
                                 graph::Direction dir) {
    graph::DependencyGraph g;
    for (const auto& n : names) g.add_node(n);
    for (const auto& n : names)
        if (impl.loaded.graph.has_node(n))
            for (const auto& d : impl.loaded.graph.dependencies(n))
                if (names.count(d.service)) g.add_edge(n, d);
    return graph::walk_order(g, dir);
}

// `names` grown by what `related(name)` adds, transitively, kept to known services.
std::set<std::string> closure(const Impl& impl, std::set<std::string> names,
                              const std::function<std::vector<std::string>(const std::string&)>& related) {
    std::vector<std::string> todo(names.begin(), names.end());
    while (!todo.empty()) {
        std::string n = todo.back();
        todo.pop_back();
        for (const auto& r : related(n))
            if (impl.services.count(r) && names.insert(r).second) todo.push_back(r);
    }
    return names;
}

std::vector<std::string> dependants_of(const Impl& impl, const std::string& name) {
    return impl.loaded.graph.has_node(name) ? impl.loaded.graph.dependants(name)
                                            : std::vector<std::string>{};
}

// Runs `step` on each name in turn, the next once the previous one called its continuation.
void in_sequence(std::vector<std::string> order, Step step, std::function<void()> finished) {
    struct Seq {
        std::vector<std::string> order;
        size_t next = 0;
        Step step;
        std::function<void()> finished;
        static void advance(const std::shared_ptr<Seq>& s) {
            if (s->next == s->order.size()) return s->finished();
            const std::string name = s->order[s->next++];
            s->step(name, [s] { advance(s); });
        }
    };
    auto s = std::make_shared<Seq>(Seq{std::move(order), 0, std::move(step), std::move(finished)});
    Seq::advance(s);
}

// running, paused or restarting: `start` leaves it alone.
bool is_up(const Instance& in) {
    return in.status == "running" || in.status == "paused" || in.status == "restarting";
}

nlohmann::json result(const std::vector<std::string>& lines, const std::vector<std::string>& errors) {
    nlohmann::json r = errors.empty() ? ok_reply() : error_reply(errors.front());
    r["lines"] = lines;
    r["errors"] = errors;
    return r;
}

}  // namespace

void Supervisor::Impl::event(const Instance& in, const std::string& action,
                             std::map<std::string, std::string> attributes) {
    Event e;
    e.action = action;
    e.container = in.name;
    e.service = in.service ? in.service->service.name : "";
    e.attributes = std::move(attributes);
    events.append(std::move(e));
}

void Supervisor::Impl::notify_waits() {
    auto find = [this](const std::string& name) -> const Instance* {
        for (const auto& [n, s] : services)
            for (const auto& in : s->instances)
                if (in->name == name) return in.get();
        return nullptr;
    };
    for (auto it = waits.begin(); it != waits.end();) {
        nlohmann::json codes = nlohmann::json::array();
        bool done = !it->first;
        for (const auto& name : it->containers) {
            const Instance* in = find(name);
            bool exited = !in || in->status == "exited";
            if (exited) {
                codes.push_back({{"name", name}, {"exit_code", in ? in->exit_code.value_or(0) : 0}});
                if (it->first) {
                    done = true;
                    break;
                }
            } else if (!it->first) {
                done = false;
                break;
            }
        }
        if (!done) {
            ++it;
            continue;
        }
        auto reply = std::move(it->reply);
        it = waits.erase(it);
        reply(ok_reply({{"containers", codes}}), {});
    }
}

bool Supervisor::Impl::start_stopped(Instance& in) {
    if (is_up(in)) return false;
    in.stopping = false;
    in.restart->manual_start();
    if (!in.log) prepare_instance(in);  // a dormant record of `start` without a supervisor
    if (in.container && in.status == "created") {
        start_container(in);
    } else {
        in.prepared = false;
        in.container.reset();
        runtime::reset_container(in.name);
        create_container(in);
        start_container(in);
    }
    if (in.proxies.empty()) publish_ports(in);
    return true;
}

void Supervisor::Impl::remove_one_offs(std::vector<std::string>& errors) {
    for (auto& [name, s] : one_offs)
        for (auto& in : s->instances) remove_instance(*in, errors);
    one_offs.clear();
}

bool Supervisor::Impl::handle_command(const std::string& op, const nlohmann::json& req,
                                      ControlServer::Reply& reply,
                                      const ControlServer::Progress& progress) {
    // Each step goes to the client as it happens; `lines` keeps the outcome for the reply.
    auto tell = [progress](const std::string& line) {
        if (progress) progress(line);
    };
    auto start_all = [this, tell](const std::vector<std::string>& order,
                                  std::vector<std::string>& lines,
                                  std::vector<std::string>& errors, const char* started) {
        for (const auto& name : order)
            for (auto& in : services.at(name)->instances) {
                if (is_up(*in)) continue;
                try {
                    tell(fmt::format("Container {}  Starting", in->name));
                    start_stopped(*in);
                    lines.push_back(fmt::format("Container {}  {}", in->name, started));
                    tell(lines.back());
                } catch (const std::exception& e) {
                    tell(fmt::format("Container {}  Error", in->name));
                    errors.push_back(fmt::format("start container \"{}\": {}", in->name, e.what()));
                }
            }
        save_state();
    };
    // Stops the services in dependants-first order, then calls `done`.
    auto stop_all = [this, tell](const std::set<std::string>& names, std::optional<Ms> timeout,
                           std::shared_ptr<std::vector<std::string>> lines,
                           std::function<void()> done) {
        in_sequence(
            ordered(*this, names, graph::Direction::Stop),
            [this, timeout, lines, tell](const std::string& name, std::function<void()> next) {
                auto& insts = services.at(name)->instances;
                auto left = std::make_shared<size_t>(insts.size() + 1);
                auto one = [left, next] {
                    if (--*left == 0) next();
                };
                for (auto& in : insts) {
                    if (in->container && in->exit_watch) {
                        lines->push_back(fmt::format("Container {}  Stopped", in->name));
                        tell(fmt::format("Container {}  Stopping", in->name));
                        Instance* p = in.get();
                        stop_instance(*in, timeout, false, [this, p, one, tell, line = lines->back()] {
                            event(*p, "stop");
                            tell(line);
                            one();
                        });
                    } else {
                        stop_instance(*in, timeout, false, one);
                    }
                }
                one();
            },
            std::move(done));
    };

    if (op == "start_services") {
        if (shutting_down) throw Error("the project is stopping");
        auto names = selection(*this, req);
        names = closure(*this, names, [this](const std::string& n) {
            std::vector<std::string> deps;
            if (loaded.graph.has_node(n))
                for (const auto& d : loaded.graph.dependencies(n)) deps.push_back(d.service);
            return deps;
        });
        std::vector<std::string> lines, errors;
        start_all(ordered(*this, names, graph::Direction::Start), lines, errors, "Started");
        reply(result(lines, errors), {});
        return true;
    }
    if (op == "stop_services" || op == "restart_services") {
        if (shutting_down) throw Error("the project is stopping");
        bool restart = op == "restart_services";
        auto names = selection(*this, req);
        names = restart ? closure(*this, names,
                                  [this](const std::string& n) { return loaded.project.restart_followers(n); })
                        : closure(*this, names,
                                  [this](const std::string& n) { return dependants_of(*this, n); });
        auto lines = std::make_shared<std::vector<std::string>>();
        stop_all(names, timeout_of(req), lines, [this, start_all, names, restart, lines, reply] {
            std::vector<std::string> errors;
            if (restart) {
                lines->clear();
                start_all(ordered(*this, names, graph::Direction::Start), *lines, errors,
                          "Restarted");
            }
            save_state();
            reply(result(*lines, errors), {});
        });
        return true;
    }
    if (op == "kill") {
        int sig = parse_signal(req.value("signal", "SIGKILL"));
        std::vector<std::string> lines, errors;
        for (const auto& name : selection(*this, req))
            for (auto& in : services.at(name)->instances) {
                if (!in->container || !in->exit_watch) continue;
                try {
                    if (sig == SIGKILL || sig == in->container->state().stop_signal)
                        in->restart->manual_stop();  // as docker: a killed container stays down
                    if (in->status == "paused" && sig == SIGKILL) in->container->unpause();
                    in->container->signal(sig);
                    event(*in, "kill", {{"signal", std::to_string(sig)}});
                    lines.push_back(fmt::format("Container {}  Killed", in->name));
                } catch (const std::exception& e) {
                    errors.push_back(e.what());
                }
            }
        reply(result(lines, errors), {});
        return true;
    }
    if (op == "pause" || op == "unpause") {
        bool pause = op == "pause";
        std::vector<std::string> lines, errors;
        for (const auto& name : selection(*this, req))
            for (auto& in : services.at(name)->instances) {
                if (!in->container || in->status != (pause ? "running" : "paused")) continue;
                try {
                    if (pause) in->container->pause();
                    else in->container->unpause();
                    in->status = pause ? "paused" : "running";
                    event(*in, op);
                    lines.push_back(fmt::format("Container {}  {}", in->name,
                                                pause ? "Paused" : "Unpaused"));
                } catch (const std::exception& e) {
                    errors.push_back(e.what());
                }
            }
        save_state();
        reply(result(lines, errors), {});
        return true;
    }
    if (op == "rm") {
        std::vector<std::string> lines, errors;
        for (const auto& name : selection(*this, req)) {
            auto& insts = services.at(name)->instances;
            for (auto it = insts.begin(); it != insts.end();) {
                if ((*it)->status != "exited" && (*it)->status != "created") {
                    ++it;
                    continue;
                }
                remove_instance(**it, errors);
                if (req.value("volumes", false))
                    remove_anonymous_volumes(loaded.project.name, (*it)->name, errors);
                lines.push_back(fmt::format("Container {}  Removed", (*it)->name));
                it = insts.erase(it);
            }
        }
        save_state();
        reply(result(lines, errors), {});
        return true;
    }
    if (op == "wait") {
        PendingWait w{{}, reply, req.value("first", false)};
        for (const auto& name : selection(*this, req))
            for (const auto& in : services.at(name)->instances) w.containers.push_back(in->name);
        if (w.containers.empty()) throw Error("no container to wait for");
        waits.push_back(std::move(w));
        notify_waits();
        return true;
    }
    if (op == "run_prepare") {
        if (shutting_down) throw Error("the project is stopping");
        const std::string name = req.at("name").get<std::string>();
        const model::Service* svc = loaded.project.find_service(req.at("service").get<std::string>());
        if (!svc) throw Error(fmt::format("no such service: {}", req.at("service").get<std::string>()));
        if (one_offs.count(name) || runtime::find_container(name))
            throw Error(fmt::format("the container name \"{}\" is already in use", name));
        auto s = std::make_unique<ServiceRuntime>();
        s->service = *svc;
        s->service.ports.clear();
        for (const auto& p : req.value("ports", nlohmann::json::array())) {
            model::PortMapping m;
            m.target = p.at("target").get<uint32_t>();
            m.published = p.value("published", "");
            m.host_ip = p.value("host_ip", "");
            m.protocol = p.value("protocol", "tcp");
            s->service.ports.push_back(m);
        }
        for (const auto& [key, sn] : s->service.networks)
            if (!networks.count(key))
                networks.emplace(key, create_project_network(io, loaded.project, key));
        auto owned = std::make_unique<Instance>();
        Instance& in = *owned;
        in.service = s.get();
        in.name = name;
        in.dir = store.dir() / "containers" / name;
        in.restart = std::make_unique<supervise::RestartManager>(s->policy);
        in.restart_timer = std::make_unique<supervise::Timer>(io);
        in.kill_timer = std::make_unique<supervise::Timer>(io);
        in.prepare_timer = std::make_unique<supervise::Timer>(io);
        s->instances.push_back(std::move(owned));
        one_offs[name] = std::move(s);
        try {
            std::filesystem::create_directories(in.dir);
            plumb_network(in);
            write_etc_files(in);
            // Only its own name resolves: a one-off is no replica of its service (compose).
            for (const auto& [key, addr] : in.addresses)
                if (networks.at(key).dns) networks.at(key).dns->set_records(in.name, {in.name}, addr);
            publish_ports(in);
        } catch (...) {
            std::vector<std::string> ignored;
            remove_instance(in, ignored);
            one_offs.erase(name);
            throw;
        }
        nlohmann::json r = ok_reply({{"dir", in.dir.string()}, {"ports", in.ports}});
        if (in.netns) r["netns_path"] = in.netns->path().string();
        reply(r, {});
        return true;
    }
    if (op == "run_release") {
        auto it = one_offs.find(req.at("name").get<std::string>());
        std::vector<std::string> errors;
        if (it != one_offs.end()) {
            for (auto& in : it->second->instances) remove_instance(*in, errors);
            one_offs.erase(it);
        }
        reply(result({}, errors), {});
        return true;
    }
    return false;
}

}  // namespace stk::engine
