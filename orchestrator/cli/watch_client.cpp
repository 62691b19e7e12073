#include "orchestrator/cli/watch_client.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>

#include "orchestrator/plan/observe.hpp"
#include "orchestrator/supervise/loop/process_watcher.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "orchestrator/watch/remote_target.hpp"
#include "orchestrator/watch/watch_session.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {

int watch_running_project(const load::LoadOptions& options, const engine::UpOptions& up,
                          const load::LoadedProject& loaded) {
    const std::string project = loaded.project.name;
    auto observed = plan::observe(run_root(), project);
    if (!observed.state || observed.state->supervisor_pid <= 0 ||
        !supervise::process_alive(observed.state->supervisor_pid,
                                  observed.state->supervisor_start_time))
        throw Error(fmt::format("project \"{}\" is not running", project));

    boost::asio::io_context io;
    auto print = [](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };
    watch::RemoteTarget target(project);
    watch::WatchSessionOptions wo;
    wo.load = options;
    wo.load.project_name = project;
    wo.up = up;
    wo.print = print;
    watch::WatchSession session(io, wo, target, loaded);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        print("watch: stopped watching (the stack keeps running; `stack down` stops it)");
        io.stop();
    });
    std::unique_ptr<supervise::ProcessWatcher> supervisor;
    try {
        supervisor = std::make_unique<supervise::ProcessWatcher>(
            io, supervise::open_pidfd(observed.state->supervisor_pid),
            [&](const supervise::ExitStatus&) {
                print("watch: the project's supervisor exited: stopped watching");
                io.stop();
            });
    } catch (const SysError&) {
        throw Error(fmt::format("project \"{}\" is not running", project));
    }
    session.start();
    print(fmt::format("watch: following {} file(s) of project {} (Ctrl-C stops watching)",
                      loaded.inputs.size(), project));
    io.run();
    return 0;
}

}  // namespace stk::cli
