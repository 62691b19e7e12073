#pragma once
// What the runtime needs to know to make one container. Plain data: the orchestrator fills it
// from the stack file, `stack container run` from its flags. No YAML, no networks, no other
// containers: a network namespace arrives as a path to join.
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stk::runtime {

struct RootfsSpec {
    enum class Kind {
        Directory,  // `directory` is the root (read-write unless read_only)
        Layers,     // overlay of `lower_dirs` (topmost first) plus a private upper layer
        HostView,   // overlay of the host's "/" plus a private upper layer
    };
    Kind kind = Kind::Directory;
    std::filesystem::path directory;
    std::vector<std::filesystem::path> lower_dirs;
    bool read_only = false;  // read_only: true
};

struct MountSpec {
    enum class Kind { Bind, Volume, Tmpfs };
    Kind kind = Kind::Bind;
    std::filesystem::path source;  // Bind: host path; Volume: the volume's directory on the host
    std::string target;            // absolute path inside the container
    bool read_only = false;
    bool create_source = true;           // Bind: create a missing host directory (docker's -v)
    std::optional<uint64_t> tmpfs_size;  // bytes
    std::optional<unsigned> tmpfs_mode;  // octal mode
};

struct Resources {
    std::optional<int64_t> memory_limit;        // bytes (mem_limit)
    std::optional<int64_t> memory_swap_limit;   // bytes, memory + swap (memswap_limit); -1 unlimited
    std::optional<int64_t> memory_reservation;  // bytes
    std::optional<double> cpus;                 // 0.5 = half a core (quota/period)
    std::optional<uint64_t> cpu_shares;
    std::optional<std::string> cpuset_cpus;
    std::optional<std::string> cpuset_mems;
    std::optional<int64_t> pids_limit;          // -1 or absent: unlimited
    uint64_t shm_size = 64ull << 20;            // /dev/shm size
};

struct SecuritySpec {
    std::vector<std::string> cap_add;   // "NET_ADMIN", "CAP_NET_ADMIN" or "ALL"
    std::vector<std::string> cap_drop;
    bool privileged = false;            // every capability, no seccomp, no masked paths, rw /sys
    bool seccomp = true;                // false: seccomp=unconfined
    bool no_new_privileges = true;
};

struct Ulimit {
    std::string name;  // "nofile", "nproc", "core", ... (docker's names)
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct IdMap {
    uint32_t inside = 0;
    uint32_t outside = 0;
    uint32_t count = 0;
};

struct NetworkSpec {
    enum class Mode {
        None,  // a new network namespace with only `lo` (the plumbing command's default)
        Host,  // the host's network namespace
        Join,  // join the namespace at `netns_path` (made by network/, kept across restarts)
    };
    Mode mode = Mode::None;
    std::filesystem::path netns_path;
};

struct ProcessSpec {
    std::vector<std::string> args;  // argv; args[0] is looked up in the container's PATH
    std::vector<std::string> env;   // "KEY=VALUE"
    std::string cwd = "/";
    std::string user;               // "uid[:gid]" or "name[:group]"; resolved in the rootfs
    bool tty = false;
    bool stdin_open = false;
    int stop_signal = SIGTERM;
    std::chrono::milliseconds stop_grace{10'000};
};

// Where the container's stdout/stderr go. With a tty both are the terminal.
struct OutputSpec {
    int stdout_fd = -1;                  // inherited as-is when >= 0
    int stderr_fd = -1;
    std::filesystem::path log_file;      // otherwise lines go here with timestamps
};

struct ContainerSpec {
    std::string name;  // unique on the machine; names the cgroup and the state directory
    std::string hostname;
    std::string domainname;
    RootfsSpec rootfs;
    ProcessSpec process;
    std::vector<MountSpec> mounts;
    Resources resources;
    SecuritySpec security;
    std::vector<Ulimit> ulimits;
    std::map<std::string, std::string> sysctls;  // namespaced ones only
    NetworkSpec network;
    bool user_namespace = false;          // with uid_maps / gid_maps
    std::vector<IdMap> uid_maps;
    std::vector<IdMap> gid_maps;
    // Files bind-mounted over /etc/hosts, /etc/hostname and /etc/resolv.conf when set.
    std::optional<std::filesystem::path> hosts_file;
    std::optional<std::filesystem::path> hostname_file;
    std::optional<std::filesystem::path> resolv_conf_file;
    OutputSpec output;
    std::map<std::string, std::string> labels;  // stored in the state, shown by ps/inspect
};

}  // namespace stk::runtime
