#pragma once
// The supervisor of one project: a single-threaded event loop (Boost.Asio, run on the calling
// thread: Container::create must be called from a single-threaded process) that creates the
// project's networks, walks the dependency graph to create and start every replica behind its
// `depends_on` gates, pumps logs, runs healthchecks, restarts by policy, publishes ports,
// keeps `<run_root>/<project>/state.json` current and serves the control socket. `down` (or a
// graceful stop) walks the graph in reverse and removes everything it made.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/supervise/logs/log_prefixer.hpp"

namespace stk::engine {

struct SupervisorOptions {
    load::LoadOptions load;  // reloaded on `converge`
    UpOptions up;
    bool attached = false;        // print every line with its prefix on stdout
    supervise::LogFormat log_format;
    bool abort_on_container_exit = false;
    bool abort_on_container_failure = false;
    std::string exit_code_from;   // service
    bool serve_control = true;    // listen on control.sock
    // Live editing (`up --watch`): once up, follow the files (orchestrator/watch).
    bool watch = false;
    // Every progress line of the initial `up` as it happens ("Container p-db-1  Starting"),
    // intermediate states included; called on the loop until the ready report.
    std::function<void(const std::string&)> on_progress;
    // Attached: container output waits for the ready report (a terminal progress display is
    // redrawn in place until then).
    bool hold_logs_until_ready = false;
    // `stack start` with no supervisor: the containers the state on disk records come back
    // under this supervisor (the selected services started, the others kept stopped) instead
    // of being torn down; Error when one still runs without a supervisor.
    bool resume = false;
};

// The outcome of the initial `up`: every selected service started (or, with wait, running or
// healthy), or the first failure; `lines` are compose-like progress lines for the CLI.
struct ReadyReport {
    bool ok = true;
    std::string error;
    std::vector<std::string> lines;
};

class Supervisor {
public:
    Supervisor(load::LoadedProject project, SupervisorOptions options);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Brings the project up and runs the loop until a `down`/`stop`, a graceful stop
    // (attached Ctrl-C or SIGTERM), or an abort condition; `on_ready` is called once. Returns
    // the exit code `stack up` should return (compose's rules for attached mode).
    int run(std::function<void(const ReadyReport&)> on_ready);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace stk::engine
