#pragma once
// The supervisor's in-memory model (private to orchestrator/engine/supervisor*.cpp): one
// Instance per container, one ServiceRuntime per service with its `depends_on` gate facts.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "image/store/image_store.hpp"
#include "network/netns/net_namespace.hpp"
#include "network/proxy/port_proxy.hpp"
#include "orchestrator/engine/exec_probe_runner.hpp"
#include "orchestrator/engine/log_pump.hpp"
#include "orchestrator/engine/stack_extension.hpp"
#include "orchestrator/model/service.hpp"
#include "orchestrator/supervise/health/health_monitor.hpp"
#include "orchestrator/supervise/loop/timer.hpp"
#include "orchestrator/supervise/probe/health_check_loop.hpp"
#include "orchestrator/supervise/restart/restart_manager.hpp"
#include "orchestrator/supervise/state/project_state.hpp"
#include "runtime/container.hpp"

namespace stk::engine {

enum class GateCondition { Started, Healthy, CompletedSuccessfully };

struct ServiceRuntime;

struct Instance {
    ServiceRuntime* service = nullptr;
    std::string name;
    int index = 1;
    std::filesystem::path dir;
    std::optional<net::NetNamespace> netns;
    std::vector<std::pair<std::string, uint32_t>> addresses;  // network key -> address
    std::vector<std::string> dns_names;
    std::optional<runtime::Container> container;
    std::shared_ptr<void> exit_watch;  // the pidfd wait on the loop (asio type kept out)
    std::unique_ptr<LogPump> out, err;
    std::unique_ptr<LogFileWriter> log;
    std::unique_ptr<supervise::HealthMonitor> monitor;
    std::unique_ptr<ForkExecProbeRunner> exec_runner;
    std::unique_ptr<supervise::HealthProber> prober;
    std::unique_ptr<supervise::HealthCheckLoop> checks;
    std::unique_ptr<supervise::RestartManager> restart;
    std::unique_ptr<supervise::Timer> restart_timer;
    std::unique_ptr<supervise::Timer> kill_timer;
    std::vector<std::unique_ptr<net::PortProxy>> proxies;
    std::vector<supervise::PortBinding> ports;

    std::string status = "created";  // created | running | restarting | exited
    std::optional<int> exit_code;
    pid_t pid = 0;
    uint64_t pid_start_time = 0;
    int64_t started_at = 0, finished_at = 0;  // Unix ns
    supervise::TimePoint started{};
    bool stopping = false;         // a manual stop / down is in progress or done
    bool kill_for_restart = false;  // restart_on_unhealthy killed it
    supervise::Duration restart_delay{};
    std::vector<std::function<void()>> on_exit_waiters;

    bool running() const { return container && status == "running"; }
};

struct GateWaiter {
    GateCondition condition;
    std::function<void(bool ok, const std::string& error)> fn;
};

struct ServiceRuntime {
    model::Service service;  // with the image config applied when it runs from an image
    std::optional<image::ImageRecord> image;
    StackExtension x;
    supervise::HealthConfig health;
    supervise::RestartPolicy policy;
    std::string hash;
    int replicas = 1;
    std::vector<std::unique_ptr<Instance>> instances;

    // Gate facts, answered to waiters once.
    bool started = false;
    bool healthy = false;
    std::optional<std::string> unhealthy_output;
    std::optional<std::string> unhealthy_container;
    std::optional<std::pair<std::string, int>> exited;  // container, code (first exit)
    std::optional<std::string> failure;
    std::vector<GateWaiter> waiters;
};

}  // namespace stk::engine
