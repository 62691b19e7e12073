#pragma once
// `deploy`: replicas, resources, restart policy, update/rollback, placement.
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/service_parts.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::model {

struct ResourceLimits {
    std::optional<double> cpus;
    std::optional<Bytes> memory;
    std::optional<int64_t> pids;
    std::vector<DeviceRequest> devices;  // reservations only
};

struct Resources {
    std::optional<ResourceLimits> limits;
    std::optional<ResourceLimits> reservations;
};

struct RestartPolicy {
    std::string condition;  // none, on-failure, any
    std::optional<Duration> delay;
    std::optional<uint64_t> max_attempts;
    std::optional<Duration> window;
};

struct UpdateConfig {
    std::optional<uint64_t> parallelism;
    std::optional<Duration> delay;
    std::string failure_action;
    std::optional<Duration> monitor;
    std::optional<double> max_failure_ratio;
    std::string order;
};

struct Placement {
    std::vector<std::string> constraints;
    std::vector<std::string> preferences;  // the `spread` of each preference
    std::optional<uint64_t> max_replicas_per_node;
};

struct Deploy {
    std::string mode;  // replicated (default), global, replicated-job, global-job
    std::optional<uint64_t> replicas;
    StringMap labels;
    std::string endpoint_mode;
    std::optional<Resources> resources;
    std::optional<RestartPolicy> restart_policy;
    std::optional<UpdateConfig> update_config;
    std::optional<UpdateConfig> rollback_config;
    std::optional<Placement> placement;
    Extensions extensions;
};

}  // namespace stk::model
