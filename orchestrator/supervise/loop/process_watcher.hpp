#pragma once
// Event-driven process exit: a pidfd becomes readable when its process exits; the watcher
// waits for that on the Asio loop (no polling, no SIGCHLD) and then collects the status with
// waitid(P_PIDFD). A process that is not our child (the runtime's container init may be
// parented elsewhere) still reports its exit, with `known == false`: the status then has to
// come from the runtime.
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "orchestrator/supervise/loop/asio_fwd.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

struct ExitStatus {
    bool known = false;  // false: exited, but not our child, so no status
    int exit_code = 0;   // docker's convention: the code, or 128 + signal
    int signal = 0;      // non-zero when killed by a signal
    bool core_dumped = false;

    std::string describe() const;  // "exited with code 3", "killed by signal 9 (SIGKILL)"
};

// pidfd_open(2); throws SysError naming the pid.
UniqueFd open_pidfd(pid_t pid);

class ProcessWatcher {
public:
    using Callback = std::function<void(const ExitStatus&)>;

    // Starts watching at once; `on_exit` runs once on the loop's thread, unless cancelled.
    ProcessWatcher(IoContext& io, UniqueFd pidfd, Callback on_exit);
    ~ProcessWatcher();
    ProcessWatcher(const ProcessWatcher&) = delete;
    ProcessWatcher& operator=(const ProcessWatcher&) = delete;

    // No callback after this; the pidfd is closed.
    void cancel();
    bool done() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::supervise
