#pragma once
// One interface for a container's cgroup, two backends chosen once by make_cgroup_manager():
//  - v2 (pure unified host): everything in <root>/<parent>/<name>, controllers enabled through
//    the parents' cgroup.subtree_control;
//  - v1/hybrid: limits in one directory per v1 controller (<root>/memory/<parent>/<name>, ...),
//    plus membership, cgroup.events and cgroup.kill in <root>/unified/<parent>/<name> when a
//    unified mount exists.
// <parent> is stk::cgroup_parent() ("stack", or $STACK_CGROUP_PARENT), created on demand.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/spec.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

struct CgroupStats {
    uint64_t memory_usage = 0;             // bytes
    std::optional<uint64_t> memory_limit;  // bytes; nullopt when unlimited
    uint64_t cpu_usage_ns = 0;
    uint64_t pids = 0;
    uint64_t oom_kills = 0;
    uint64_t block_read_bytes = 0;  // io.stat (v2) or blkio.throttle.io_service_bytes (v1)
    uint64_t block_write_bytes = 0;
};

// One container's cgroup (in every v1 controller and/or the v2 tree).
class Cgroup {
public:
    virtual ~Cgroup();  // does NOT remove: ownership is explicit via destroy() or CgroupGuard

    virtual const std::string& name() const = 0;
    virtual void apply(const Resources& r) = 0;  // limits; Error naming the value when bad
    virtual void add_process(pid_t pid) = 0;     // before the process runs user code
    // An O_PATH|O_DIRECTORY fd of the v2 (or unified) directory for clone3 CLONE_INTO_CGROUP,
    // or -1 when there is none. Owned by the Cgroup; valid while it lives. On hybrid hosts a
    // process born there joins the v1 controllers itself (open_self_join).
    virtual int clone_into_fd() const = 0;
    // After clone3_process(..., clone_into_fd(), placed): the slow add_process() of `pid`, only
    // when clone3 could not place it in the v2 (or unified) tree.
    void join_unplaced(pid_t pid, bool placed);
    // `tasks` files of the v1 hierarchies, opened for writing: a new single-threaded process
    // joins them by writing "0" to each (join_self below). Moving oneself through `tasks` skips
    // the kernel's global threadgroup lock, whose RCU grace period makes writing another
    // process's pid to cgroup.procs cost 10-15 ms. Empty on v2, where CLONE_INTO_CGROUP places
    // the process.
    virtual std::vector<UniqueFd> open_self_join() const = 0;
    virtual void freeze(bool frozen) = 0;  // pause/unpause; returns once the state has settled
    virtual CgroupStats stats() const = 0;
    virtual std::vector<pid_t> pids() const = 0;
    virtual bool populated() const = 0;
    virtual void kill_all() = 0;  // SIGKILL every process, wait until empty (bounded; Error)
    virtual void destroy() = 0;   // kill_all + rmdir everywhere; absent dirs are fine; idempotent
};

class CgroupManager {
public:
    virtual ~CgroupManager();
    // Creates <parent>/<name> (and the parent) in every hierarchy; an existing one is reused.
    virtual std::unique_ptr<Cgroup> create(const std::string& name) = 0;
    virtual std::unique_ptr<Cgroup> open(const std::string& name) = 0;  // Error when absent
    virtual bool exists(const std::string& name) const = 0;
    virtual std::vector<std::string> list() const = 0;  // container cgroups under the parent
    // Removes the parent cgroup where it is empty (tests, uninstall); never throws.
    virtual void remove_parent_if_empty() noexcept = 0;
    virtual const char* backend_name() const = 0;  // "v2" or "v1" / "hybrid"
};

// Detects the layout under `root` once: statfs magic and /proc/self/mountinfo for a real cgroup
// filesystem; for a plain directory laid out like /sys/fs/cgroup (unit tests), `cgroup.controllers`
// at the top means v2, controller directories (memory, cpu, "cpu,cpuacct", ...) mean v1, and a
// `unified` directory with cgroup.procs makes it hybrid.
std::unique_ptr<CgroupManager> make_cgroup_manager(
    const std::filesystem::path& root = "/sys/fs/cgroup");

// Moves the calling single-threaded process into the hierarchies of open_self_join()'s files
// and closes them. Async-signal-safe (runs in a freshly cloned child); -1 with errno on failure.
int join_self(const int* fds, size_t count) noexcept;

// Destroys the cgroup when the scope ends unless commit() was called (house rule 4).
class CgroupGuard {
public:
    explicit CgroupGuard(Cgroup& cgroup) : cgroup_(&cgroup) {}
    CgroupGuard(const CgroupGuard&) = delete;
    CgroupGuard& operator=(const CgroupGuard&) = delete;
    ~CgroupGuard();
    void commit() noexcept { cgroup_ = nullptr; }

private:
    Cgroup* cgroup_;
};

}  // namespace stk::runtime
