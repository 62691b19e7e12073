#pragma once
// Private to the supervisor's .cpp files: the loop, the project and every object it runs.
// supervisor.cpp: run, the up walk, gates, readiness, down, control requests, state.
// supervisor_instances.cpp: one container's life (create, start, exit, restart, health, stop).
#include <boost/asio/io_context.hpp>

#include <map>
#include <set>

#include "orchestrator/engine/control_server.hpp"
#include "orchestrator/engine/image_provider.hpp"
#include "orchestrator/engine/project_network.hpp"
#include "orchestrator/engine/supervisor.hpp"
#include "orchestrator/engine/supervisor_types.hpp"
#include "orchestrator/engine/teardown.hpp"
#include "orchestrator/graph/graph_walker.hpp"
#include "orchestrator/supervise/loop/shutdown_signals.hpp"
#include "orchestrator/supervise/state/state_store.hpp"

namespace stk::engine {

struct Supervisor::Impl {
    Impl(load::LoadedProject p, SupervisorOptions o);

    // supervisor.cpp
    int run(std::function<void(const ReadyReport&)> on_ready);
    void begin_up();
    void prepare_services(const model::Project& project);
    graph::DependencyGraph selected_graph() const;
    // Gets the image of every service `up` will start (per pull_policy) into resolved_images;
    // throws Error naming the service and image. Runs before anything is created or stopped.
    void resolve_images(const load::LoadedProject& project, const UpOptions& up);
    void visit_start(const std::string& service, graph::GraphWalker::Done done);
    void start_service(ServiceRuntime& s, graph::GraphWalker::Done done);
    void walk_finished();
    void check_wait_ready();
    void send_ready(bool ok, const std::string& error);
    void wait_gate(const std::string& service, GateCondition c,
                   std::function<void(bool, const std::string&)> fn);
    void settle_gates(ServiceRuntime& s);
    void shutdown(bool remove_all, bool volumes, std::optional<std::chrono::milliseconds> timeout,
                  std::function<void(std::vector<std::string>)> done);
    void kill_all();
    void finish_shutdown(bool remove_all, bool volumes,
                         std::function<void(std::vector<std::string>)> done);
    void handle_request(const nlohmann::json& req, ControlServer::Reply reply);
    void converge(const nlohmann::json& req, ControlServer::Reply reply);
    void save_state();
    supervise::ProjectState snapshot() const;
    void on_final_exit(Instance& in, int code);
    void print_line(const std::string& text);

    // supervisor_instances.cpp
    void create_instance(ServiceRuntime& s, int index);
    void spawn(Instance& in);  // create_container + start_container (restarts)
    void create_container(Instance& in);
    void start_container(Instance& in);
    void watch_exit(Instance& in);
    void on_exit(Instance& in);
    void respawn(Instance& in);
    void on_health(Instance& in, supervise::HealthStatus to, const supervise::ProbeResult& cause);
    void stop_instance(Instance& in, std::optional<std::chrono::milliseconds> timeout, bool kill,
                       std::function<void()> done);
    void remove_instance(Instance& in, std::vector<std::string>& errors);
    void publish_ports(Instance& in);
    void write_etc_files(Instance& in);
    void set_dns(Instance& in);

    boost::asio::io_context io;
    load::LoadedProject loaded;
    SupervisorOptions opts;
    supervise::StateStore store;
    supervise::LogPrefixer prefixer;
    std::map<std::string, ProjectNetwork> networks;
    std::map<std::string, std::unique_ptr<ServiceRuntime>> services;
    std::unique_ptr<ImageProvider> images = default_image_provider();
    std::map<std::string, image::ImageRecord> resolved_images;  // service -> its image
    graph::DependencyGraph walk_graph;
    std::unique_ptr<graph::GraphWalker> walker;
    graph::DependencyGraph stop_graph;
    std::unique_ptr<graph::GraphWalker> stop_walker;
    std::unique_ptr<ControlServer> control;
    std::unique_ptr<supervise::ShutdownSignals> signals;
    std::unique_ptr<supervise::Timer> wait_timer;
    std::function<void(const ReadyReport&)> on_ready;
    ReadyReport report;
    bool ready_sent = false;
    bool walk_done = false;
    bool shutting_down = false;
    bool shutdown_complete = false;
    bool interrupted = false;
    std::optional<int> abort_code;  // exit code decided by an abort condition
    std::vector<std::string> orphans;
    int exit_code = 0;
};

}  // namespace stk::engine
