#pragma once
// One service of a stack file, every key of the Compose Specification typed. Short and long
// forms are expanded into one struct each; after normalisation defaults are filled and paths
// are absolute.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/build.hpp"
#include "orchestrator/model/deploy.hpp"
#include "orchestrator/model/service_parts.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::model {

struct Service {
    std::string name;

    std::string image;
    std::optional<Build> build;
    std::string pull_policy;
    std::string pull_refresh_after;
    std::string platform;

    std::optional<CommandLine> command;
    std::optional<CommandLine> entrypoint;
    std::string working_dir;
    std::string user;
    std::vector<std::string> group_add;
    OptionalStringMap environment;
    std::vector<EnvFile> env_file;  // read into `environment` by normalisation, then emptied
    std::vector<std::string> label_file;
    StringMap labels;
    StringMap annotations;

    std::vector<PortMapping> ports;
    std::vector<std::string> expose;
    std::vector<VolumeMount> volumes;
    std::vector<std::string> volumes_from;
    std::vector<std::string> tmpfs;
    std::vector<FileReference> secrets;
    std::vector<FileReference> configs;
    std::vector<DeviceMapping> devices;
    std::vector<std::string> device_cgroup_rules;
    std::vector<DeviceRequest> gpus;

    std::map<std::string, DependsOn> depends_on;
    std::vector<std::string> links;
    std::vector<std::string> external_links;
    std::optional<Healthcheck> healthcheck;
    std::string restart;
    std::optional<Deploy> deploy;
    std::optional<uint64_t> scale;
    std::vector<std::string> profiles;
    std::optional<Develop> develop;
    std::vector<ServiceHook> post_start;
    std::vector<ServiceHook> pre_stop;
    std::optional<Provider> provider;
    std::map<std::string, ServiceModel> models;

    std::map<std::string, ServiceNetwork> networks;
    std::string network_mode;
    std::string hostname;
    std::string domainname;
    std::string mac_address;
    std::vector<std::string> dns;
    std::vector<std::string> dns_opt;
    std::vector<std::string> dns_search;
    std::map<std::string, std::vector<std::string>> extra_hosts;  // host -> addresses

    std::optional<Logging> logging;
    std::map<std::string, Ulimit> ulimits;
    StringMap sysctls;
    StringMap storage_opt;

    std::vector<std::string> cap_add;
    std::vector<std::string> cap_drop;
    std::vector<std::string> security_opt;
    std::optional<bool> privileged;
    std::optional<bool> read_only;
    std::optional<bool> init;
    std::optional<bool> tty;
    std::optional<bool> stdin_open;
    std::optional<bool> oom_kill_disable;
    std::optional<bool> attach;
    std::optional<bool> use_api_socket;
    std::optional<CredentialSpec> credential_spec;

    std::string container_name;
    std::string cgroup;
    std::string cgroup_parent;
    std::string ipc;
    std::string pid;
    std::string uts;
    std::string userns_mode;
    std::string isolation;
    std::string runtime;
    std::string stop_signal;
    std::optional<Duration> stop_grace_period;

    std::optional<int64_t> cpu_count;
    std::optional<double> cpu_percent;
    std::optional<int64_t> cpu_period;
    std::optional<int64_t> cpu_quota;
    std::optional<Duration> cpu_rt_period;
    std::optional<Duration> cpu_rt_runtime;
    std::optional<int64_t> cpu_shares;
    std::optional<double> cpus;
    std::string cpuset;
    std::optional<Bytes> mem_limit;
    std::optional<Bytes> mem_reservation;
    std::optional<int64_t> mem_swappiness;
    std::optional<Bytes> memswap_limit;  // -1 = unlimited
    std::optional<int64_t> oom_score_adj;
    std::optional<int64_t> pids_limit;
    std::optional<Bytes> shm_size;
    std::optional<BlkioConfig> blkio_config;

    Extensions extensions;  // x-stack and every other x-*
};

}  // namespace stk::model
