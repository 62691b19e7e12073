#pragma once
// The runtime's public face: one container from a ContainerSpec, and the by-name operations on
// containers recorded under $STACK_RUN_ROOT/containers/<name>/state.json.
//
// Process model (read before using):
//  - Container::create() clones (clone3, CLONE_PIDFD, new pid/mount/uts/ipc/cgroup namespaces,
//    net unless Host/Join, user when spec.user_namespace) and must be called from a process
//    that is SINGLE-THREADED at that moment (the CLI, a detached monitor, or the supervisor's
//    helper). The cloned child is the container's PID 1: it sets everything up, then blocks
//    until start().
//  - PID 1 is always our own code running without exec (like catatonit): it reaps every zombie
//    and forwards every catchable signal to the service process, and exits with the service's
//    status. It is non-dumpable (PR_SET_DUMPABLE 0) and runs with the container's user,
//    capabilities, no_new_privs and seccomp, so no container process can reach our binary
//    through /proc/1/exe or ptrace (CVE-2019-5736). No fd of ours survives exec (close_range
//    CLOEXEC) and the cwd is checked to be inside the root (CVE-2024-21626).
//  - The creating process is the container's parent: it owns the pidfd and collects the exit
//    status (event-driven: pidfd readable -> try_collect()). The exit status, exit time and OOM
//    kill are written to state.json by whoever collects.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/spec.hpp"

namespace stk::runtime {

struct ExitStatus {
    int code = 0;             // exit code when the service exited
    int signal = 0;           // signal number when it was killed by one
    bool oom_killed = false;  // the cgroup saw an OOM kill
    int exit_code() const { return signal != 0 ? 128 + signal : code; }
};

enum class Status { Created, Running, Paused, Exited };
const char* status_name(Status s);

struct ContainerState {
    std::string name;
    Status status = Status::Created;
    pid_t pid = 0;                // PID 1 of the container, host view (0 once gone)
    uint64_t pid_start_time = 0;  // field 22 of /proc/<pid>/stat, against pid reuse
    pid_t monitor_pid = 0;        // the process that collects the exit status
    std::optional<ExitStatus> exit;
    std::string created_at, started_at, finished_at;  // RFC 3339, UTC, nanoseconds
    std::string cgroup;                               // cgroup name under the stack parent
    std::vector<std::string> command;
    std::string rootfs;  // directory, "host" or the lower dirs joined by ':'
    std::map<std::string, std::string> labels;
    // What `exec` needs to apply the same security and environment as the container.
    std::vector<std::string> env;
    std::string cwd = "/";
    std::string user;
    uint64_t capabilities = 0;
    bool seccomp = true;
    bool no_new_privileges = true;
    std::filesystem::path log_file;
    int stop_signal = 15;
    std::chrono::milliseconds stop_grace{10'000};
};

// A process to run inside a running container (`exec`, health checks).
struct ExecSpec {
    std::vector<std::string> args;
    std::vector<std::string> env;  // added to (and overriding) the container's env
    std::string user;              // empty: the container's user
    std::string cwd;               // empty: the container's working directory
    bool tty = false;              // a pseudo-terminal bridged to this process's stdin/stdout
    bool detach = false;           // do not wait; the result is ExitStatus{} once started
    bool privileged = false;       // every capability and no seccomp, for this process only
};

// A created container owned by this process. Move-only; the destructor releases fds but does
// not stop the container (stop()/remove_container() do that).
class Container {
public:
    // Namespaces, cgroup (limits applied), mounts, user and security are ready; PID 1 waits
    // before running the command. Throws stk::Error naming the container and the failed step;
    // every resource acquired so far is released on failure. Single-threaded callers only.
    static Container create(const ContainerSpec& spec);

    Container(Container&&) noexcept;
    Container& operator=(Container&&) noexcept;
    ~Container();

    // Lets PID 1 start the command; throws when the command cannot be executed (not found,
    // not executable: Error code ENOENT / EACCES).
    void start();

    const std::string& name() const;
    pid_t pid() const;
    int pidfd() const;  // readable once PID 1 has exited (for event loops)
    // Readable when PID 1 reports: it tells the service's exit before its own exit (and the
    // namespace teardown) completes, so a restart can be scheduled the moment the service ends.
    int report_fd() const;
    // Reads PID 1's pending reports; the service's exit status once it was reported.
    std::optional<ExitStatus> service_exit();
    std::filesystem::path netns_path() const;  // /proc/<pid>/ns/net, or the joined one
    int tty_master() const;  // the pty master when spec.process.tty, else -1 (owned here)
    const ContainerState& state() const;

    void signal(int sig);  // to the service process (PID 1 forwards; SIGKILL kills all)
    ExitStatus wait();     // blocks on the pidfd, records the exit in state.json
    std::optional<ExitStatus> try_collect();  // non-blocking; nullopt while running
    // stop_signal, then SIGKILL to the whole cgroup after `grace`; returns the exit status.
    ExitStatus stop(std::chrono::milliseconds grace);
    void stop() { stop(stop_grace()); }
    std::chrono::milliseconds stop_grace() const;
    void pause();
    void unpause();

    struct Impl;

private:
    explicit Container(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Runs `spec.args` in the running container `name` with its namespaces, cgroup, capabilities,
// seccomp, no_new_privs, user, env and working directory. Blocks until the process exits (unless
// detach) and returns its status. Forks a helper first: the caller's namespaces are untouched.
ExitStatus exec_in(const std::string& name, const ExecSpec& spec);

std::vector<ContainerState> list_containers();  // sorted by name
ContainerState inspect(const std::string& name);  // Error when unknown
std::optional<ContainerState> find_container(const std::string& name);
void kill_container(const std::string& name, int sig);  // Error when not running
// The recorded stop_signal to PID 1, then SIGKILL to the whole cgroup when it has not exited
// after `grace` (default: the recorded stop_grace). Waits on a pidfd; no-op when not running.
void stop_container(const std::string& name,
                    std::optional<std::chrono::milliseconds> grace = std::nullopt);
// Kills what is left in the cgroup (only when force, else a running container is an Error),
// waits for its monitor, removes the cgroup and <run_root>/containers/<name>/: nothing remains.
void remove_container(const std::string& name, bool force);
// remove_container(name, true) that keeps the root's writable layer for the next container of
// this name, as docker keeps a container's files across stop/start and restarts.
void reset_container(const std::string& name);
// remove_container(name, true) when anything of it is left (record, cgroup, kept layer).
void discard_container(const std::string& name);

}  // namespace stk::runtime
