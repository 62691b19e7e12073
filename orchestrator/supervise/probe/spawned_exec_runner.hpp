#pragma once
// The asynchronous half of an exec probe, shared by every way of starting the process: given
// a spawner that starts `argv` (in the container: bound to the runtime's exec by the wiring;
// on the host: spawn_host_process) and hands back its pidfd and the read end of its combined
// stdout/stderr, the runner collects up to 4 KiB of output, notices the exit through the
// pidfd, kills the process (SIGKILL through the pidfd) at the timeout, and reports one
// ProbeResult. Nothing blocks and nothing polls.
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/supervise/probe/health_prober.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

struct SpawnedProbe {
    UniqueFd pidfd;
    UniqueFd output;  // may be invalid when the process has no output to collect
};

// Starts the probe process; throws Error when it cannot (reported as exit -1).
using ProbeSpawner = std::function<SpawnedProbe(const std::vector<std::string>& argv)>;

class SpawnedExecProbeRunner : public ExecProbeRunner {
public:
    SpawnedExecProbeRunner(IoContext& io, ProbeSpawner spawner)
        : io_(io), spawner_(std::move(spawner)) {}

    void run(const std::vector<std::string>& argv, Duration timeout, ProbeCallback done) override;

private:
    IoContext& io_;
    ProbeSpawner spawner_;
};

// posix_spawnp of `argv` on the host with stdout and stderr on one pipe and stdin on
// /dev/null (posix_spawn, not fork: safe in the multi-threaded supervisor). Throws SysError.
SpawnedProbe spawn_host_process(const std::vector<std::string>& argv);

}  // namespace stk::supervise
