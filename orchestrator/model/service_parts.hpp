#pragma once
// The parts of a service that have a short and a long form, expanded into one struct each.
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/types.hpp"

namespace stk::model {

// `command` / `entrypoint` / `healthcheck.test` given as a string or a list. A string is
// shell-split (never run through a shell); `from_string` remembers which form was written.
struct CommandLine {
    std::vector<std::string> argv;
    bool from_string = false;
};

struct PortMapping {
    uint32_t target = 0;
    std::string published;  // "" = ephemeral; may be a range "8000-8010"
    std::string host_ip;
    std::string protocol = "tcp";
    std::string mode = "ingress";
    std::string name;
    std::string app_protocol;
};

struct BindOptions {
    std::string propagation;
    bool create_host_path = true;
    std::string selinux;  // "", "z" or "Z"
};

struct VolumeOptions {
    bool nocopy = false;
    std::string subpath;
};

struct TmpfsOptions {
    std::optional<Bytes> size;
    std::optional<uint32_t> mode;
};

struct ImageOptions {
    std::string subpath;
};

struct VolumeMount {
    std::string type;  // bind, volume, tmpfs, image, npipe, cluster
    std::string source;  // "" for anonymous volumes and tmpfs
    std::string target;
    bool read_only = false;
    std::string consistency;
    std::optional<BindOptions> bind;
    std::optional<VolumeOptions> volume;
    std::optional<TmpfsOptions> tmpfs;
    std::optional<ImageOptions> image;
    Extensions extensions;
};

struct DependsOn {
    std::string condition = "service_started";  // service_healthy, service_completed_successfully
    bool required = true;
    bool restart = false;
};

enum class HealthTestKind { Inherit, None, Cmd, CmdShell };

struct Healthcheck {
    HealthTestKind kind = HealthTestKind::Inherit;  // Inherit: no `test`, use the image's
    std::vector<std::string> test;                  // without the CMD/CMD-SHELL/NONE word
    std::optional<Duration> interval;
    std::optional<Duration> timeout;
    std::optional<Duration> start_period;
    std::optional<Duration> start_interval;
    std::optional<uint64_t> retries;
    bool disable = false;
};

struct Ulimit {
    int64_t soft = 0;
    int64_t hard = 0;
    bool single = false;  // written as one number: soft == hard
};

struct ServiceNetwork {
    std::vector<std::string> aliases;
    std::string ipv4_address;
    std::string ipv6_address;
    std::vector<std::string> link_local_ips;
    std::string mac_address;
    std::string interface_name;
    std::optional<int64_t> priority;
    std::optional<int64_t> gw_priority;
    StringMap driver_opts;
    Extensions extensions;
};

// A service's use of a secret or config (short form: just the source).
struct FileReference {
    std::string source;
    std::string target;
    std::string uid;
    std::string gid;
    std::optional<uint32_t> mode;
    Extensions extensions;
};

struct DeviceMapping {
    std::string source;
    std::string target;
    std::string permissions;  // "rwm" by default
};

struct Logging {
    std::string driver;
    StringMap options;
};

struct EnvFile {
    std::string path;
    bool required = true;
    std::string format;
};

struct DeviceRequest {
    std::vector<std::string> capabilities;
    std::string driver;
    std::optional<int64_t> count;  // -1 = "all"
    std::vector<std::string> device_ids;
    StringMap options;
};

struct ThrottleDevice {
    std::string path;
    int64_t rate = 0;  // bytes/s for *_bps, operations/s for *_iops
};

struct WeightDevice {
    std::string path;
    uint32_t weight = 0;
};

struct BlkioConfig {
    std::optional<uint32_t> weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> device_read_bps;
    std::vector<ThrottleDevice> device_write_bps;
    std::vector<ThrottleDevice> device_read_iops;
    std::vector<ThrottleDevice> device_write_iops;
};

struct CredentialSpec {
    std::string config;
    std::string file;
    std::string registry;
};

struct ServiceHook {
    std::vector<std::string> command;
    std::string user;
    bool privileged = false;
    std::string working_dir;
    OptionalStringMap environment;
};

struct WatchRule {
    std::string path;
    std::string action;  // sync, rebuild, restart, sync+restart, sync+exec
    std::string target;
    std::vector<std::string> ignore;
    std::vector<std::string> include;
    bool initial_sync = false;
    std::optional<ServiceHook> exec;  // sync+exec
};

struct Develop {
    std::vector<WatchRule> watch;
};

struct Provider {
    std::string type;
    std::map<std::string, nlohmann::json> options;
};

struct ServiceModel {
    std::string endpoint_var;
    std::string model_var;
};

}  // namespace stk::model
