#pragma once
// Private to the supervisor's .cpp files: the loop, the project and every object it runs.
// supervisor.cpp: run, the up walk, gates, readiness, down, control requests, state.
// supervisor_instances.cpp: one container's life (create, start, exit, restart, health, stop).
#include <boost/asio/io_context.hpp>

#include <map>
#include <set>

#include "orchestrator/engine/control_server.hpp"
#include "orchestrator/engine/event_log.hpp"
#include "orchestrator/engine/image_provider.hpp"
#include "orchestrator/engine/project_network.hpp"
#include "orchestrator/engine/supervisor.hpp"
#include "orchestrator/engine/supervisor_types.hpp"
#include "orchestrator/engine/teardown.hpp"
#include "orchestrator/graph/graph_walker.hpp"
#include "orchestrator/supervise/loop/shutdown_signals.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "orchestrator/watch/watch_session.hpp"

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
    void handle_request(const nlohmann::json& req, ControlServer::Reply reply,
                        ControlServer::Progress progress);
    void converge(const nlohmann::json& req, ControlServer::Reply reply);
    void converge_to(load::LoadedProject next, const UpOptions& up,
                     std::function<void(const ReadyReport&)> done);

    // supervisor_watch.cpp
    void restart_services(const std::vector<std::string>& names,
                          std::optional<std::chrono::milliseconds> timeout,
                          std::function<void(const ReadyReport&)> done);
    void start_watch();
    void save_state();
    supervise::ProjectState snapshot() const;
    void on_final_exit(Instance& in, int code);
    void print_line(const std::string& text);
    // A progress line of the initial `up`: to on_progress, and to the ready report's lines
    // unless it is an intermediate state.
    void note(const std::string& line, bool in_report = true);
    void note_instances(const ServiceRuntime& s, const char* state);

    // supervisor_resume.cpp (opts.resume)
    // Checks that nothing `old` records still runs and keeps its records for add_dormant().
    void resume_from(const supervise::ProjectState& old);
    // The recorded containers of the services the walk does not start: known, exited.
    void add_dormant();

    // supervisor_instances.cpp
    void create_instance(ServiceRuntime& s, int index);
    Instance& new_instance(ServiceRuntime& s, int index);
    // Directory, log file, networks, namespace, /etc files and DNS: all but the container.
    void prepare_instance(Instance& in);
    void prepare_restart(Instance& in);  // during the backoff: the next container, created
    void create_container(Instance& in);
    void start_container(Instance& in);
    void watch_readable(Instance& in, int fd, std::shared_ptr<void>& slot,
                        void (Impl::*fn)(Instance&), const char* what);
    void watch_exit(Instance& in);
    void on_report(Instance& in);
    void on_exit(Instance& in);
    void on_service_exit(Instance& in, const runtime::ExitStatus& status);
    void respawn(Instance& in);
    void on_health(Instance& in, supervise::HealthStatus to, const supervise::ProbeResult& cause);
    void stop_instance(Instance& in, std::optional<std::chrono::milliseconds> timeout, bool kill,
                       std::function<void()> done);
    void remove_instance(Instance& in, std::vector<std::string>& errors);
    void publish_ports(Instance& in);
    void write_etc_files(Instance& in);
    void set_dns(Instance& in);
    void plumb_network(Instance& in);

    // supervisor_commands.cpp: start, stop, restart, kill, pause, unpause, rm, wait and the
    // network of `run`'s one-off containers. False when `op` is not one of them.
    bool handle_command(const std::string& op, const nlohmann::json& req,
                        ControlServer::Reply& reply, const ControlServer::Progress& progress);
    void event(const Instance& in, const std::string& action,
               std::map<std::string, std::string> attributes = {});
    void notify_waits();
    // `start`: a stopped (or never started) instance runs again; false when it already runs.
    bool start_stopped(Instance& in);  // an instance exited: answer the `wait` requests that are complete
    void remove_one_offs(std::vector<std::string>& errors);

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
    graph::DependencyGraph converge_stop_graph;  // what a converge stops, in order
    std::unique_ptr<graph::GraphWalker> converge_stop_walker;
    std::unique_ptr<ControlServer> control;
    std::unique_ptr<supervise::ShutdownSignals> signals;
    std::unique_ptr<supervise::Timer> wait_timer;
    ControlServer::Progress stop_progress;  // the `down`/`stop` request's, while it runs
    std::function<void(const ReadyReport&)> on_ready;
    ReadyReport report;
    std::vector<std::string> held_logs;  // hold_logs_until_ready
    bool ready_sent = false;
    bool first_ready_sent = false;  // the initial up's (a converge sends others)
    bool walk_done = false;
    bool shutting_down = false;
    bool shutdown_complete = false;
    bool interrupted = false;
    std::optional<int> abort_code;  // exit code decided by an abort condition
    std::vector<std::string> orphans;
    std::vector<supervise::ContainerRecord> resumed;  // opts.resume: the records on disk
    int exit_code = 0;

    EventLog events{events_file(loaded.project.name)};
    struct PendingWait {
        std::vector<std::string> containers;
        ControlServer::Reply reply;
        bool first = false;  // answered when the first one exits (wait --down-project)
    };
    std::vector<PendingWait> waits;
    // `run`'s one-off containers (created by the CLI, networked here), by container name.
    std::map<std::string, std::unique_ptr<ServiceRuntime>> one_offs;
    std::unique_ptr<watch::WatchTarget> watch_target;    // after the members it reaches
    std::unique_ptr<watch::WatchSession> watch_session;  // destroyed first
};

}  // namespace stk::engine
