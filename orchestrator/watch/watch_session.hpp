#pragma once
// Live editing: keeps a running project converged to its files. Watches every input of the
// project (LoadedProject::inputs) and every develop.watch path; on a debounced batch of
// changes:
//  - an input changed: load again. A load error prints `file:line:col: message` and changes
//    nothing; a good load prints the plan (as `up --dry-run` does), converges, prints what was
//    done and how long it took from the save, and re-resolves the watched files;
//  - a develop.watch path changed: sync the files into the service's running containers,
//    restart it, as the rules say.
// One batch is handled at a time; changes arriving meanwhile form the next batch.
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"
#include "orchestrator/watch/develop_rules.hpp"
#include "orchestrator/watch/file_watcher.hpp"
#include "orchestrator/watch/watch_target.hpp"

namespace stk::watch {

struct WatchSessionOptions {
    load::LoadOptions load;
    engine::UpOptions up;  // what each converge asks; removed services are always removed
    DebounceOptions debounce;
    std::function<void(const std::string& line)> print;
};

class WatchSession {
public:
    // Throws SysError when inotify cannot be set up.
    WatchSession(supervise::IoContext& io, WatchSessionOptions options, WatchTarget& target,
                 const load::LoadedProject& current);
    ~WatchSession();
    WatchSession(const WatchSession&) = delete;
    WatchSession& operator=(const WatchSession&) = delete;

    // Runs the rules' `initial_sync`, then reacts to changes until destroyed.
    void start();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::watch
