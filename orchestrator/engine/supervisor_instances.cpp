// One container's life under the supervisor: network plumbing (kept across restarts), create,
// start, log pumps, exit (pidfd on the loop), restart policy, health, stop and removal.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <utility>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <fmt/format.h>

#include "network/etc_files/etc_files.hpp"
#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/naming.hpp"
#include "orchestrator/engine/supervisor_impl.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::engine {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using supervise::Clock;

namespace {

int64_t wall_ns(supervise::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               supervise::to_wall(t).time_since_epoch())
        .count();
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2 for container output");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// "8080" -> {8080, 8080}; "8000-8010" -> {8000, 8010}: docker takes the first free port of a
// range; "" -> {0, 0} (ephemeral).
std::pair<uint16_t, uint16_t> published_range(const std::string& published) {
    if (published.empty()) return {0, 0};
    auto dash = published.find('-');
    auto port = [&](const std::string& text) {
        unsigned long v = std::stoul(text);
        if (v > 65535) throw Error(fmt::format("published port \"{}\" is out of range", published));
        return static_cast<uint16_t>(v);
    };
    uint16_t first = port(published.substr(0, dash));
    uint16_t last = dash == std::string::npos ? first : port(published.substr(dash + 1));
    if (last < first) throw Error(fmt::format("published range \"{}\" is reversed", published));
    return {first, last};
}

}  // namespace

void Supervisor::Impl::create_instance(ServiceRuntime& s, int index) {
    Instance& in = new_instance(s, index);
    with_context(fmt::format("container \"{}\"", in.name), [&] {
        prepare_instance(in);
        create_container(in);
    });
    save_state();
}

Instance& Supervisor::Impl::new_instance(ServiceRuntime& s, int index) {
    auto owned = std::make_unique<Instance>();
    Instance& in = *owned;
    in.service = &s;
    in.index = index;
    in.name = container_name(loaded.project, s.service, index);
    in.dir = store.dir() / "containers" / in.name;
    in.restart = std::make_unique<supervise::RestartManager>(s.policy);
    in.restart_timer = std::make_unique<supervise::Timer>(io);
    in.kill_timer = std::make_unique<supervise::Timer>(io);
    in.prepare_timer = std::make_unique<supervise::Timer>(io);
    s.instances.push_back(std::move(owned));
    return in;
}

void Supervisor::Impl::prepare_instance(Instance& in) {
    fs::create_directories(in.dir);
    fs::create_directories(store.dir() / "logs");
    prefixer.add(in.name);
    // What a container of this name left: a resumed project (`start` without a supervisor)
    // keeps its writable layer, as docker's start does; anything else starts clean.
    if (opts.resume)
        runtime::reset_container(in.name);
    else
        runtime::discard_container(in.name);
    for (const auto& [key, sn] : in.service->service.networks)
        if (!networks.count(key)) networks.emplace(key, create_project_network(io, loaded.project, key));
    plumb_network(in);
    write_etc_files(in);
    set_dns(in);
    in.log = std::make_unique<LogFileWriter>((store.dir() / "logs" / (in.name + ".log")).string());
}

// The container's network namespace, one veth per network (addresses kept across restarts).
void Supervisor::Impl::plumb_network(Instance& in) {
    const auto& svc = in.service->service;
    if (svc.network_mode.empty()) {
        std::string ns = container_netns_name(in.name);
        if (net::NetNamespace::exists(ns)) net::NetNamespace::open(ns).destroy();
        in.netns.emplace(net::NetNamespace::create(ns));
        // Veths in priority order (higher first), then by name, as compose does.
        std::vector<std::pair<std::string, const model::ServiceNetwork*>> order;
        for (const auto& [key, sn] : svc.networks) order.emplace_back(key, &sn);
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            return a.second->priority.value_or(0) > b.second->priority.value_or(0);
        });
        for (size_t i = 0; i < order.size(); ++i) {
            const auto& [key, sn] = order[i];
            ProjectNetwork& pn = networks.at(key);
            uint32_t addr = 0;
            if (!sn->ipv4_address.empty()) {
                auto parsed = net::parse_ipv4(sn->ipv4_address);
                if (!parsed)
                    throw Error(fmt::format("ipv4_address \"{}\" is not an IPv4 address",
                                            sn->ipv4_address));
                addr = pn.addresses->reserve(in.name, *parsed);
            } else {
                addr = pn.addresses->allocate(in.name);
            }
            auto veth = pn.bridge->attach(in.netns->fd(), fmt::format("eth{}", i), addr, i == 0);
            veth.commit();  // the pair goes with the container's namespace
            in.addresses.emplace_back(key, addr);
        }
    } else if (svc.network_mode != "host" && svc.network_mode != "none") {
        throw Error(fmt::format("network_mode \"{}\" is not supported (host, none)",
                                svc.network_mode));
    }
}

void Supervisor::Impl::write_etc_files(Instance& in) {
    const auto& svc = in.service->service;
    std::string hostname = svc.hostname.empty() ? in.name : svc.hostname;
    uint32_t own = in.addresses.empty() ? 0 : in.addresses.front().second;
    std::vector<std::pair<std::string, std::string>> extra;
    for (const auto& [host, addrs] : svc.extra_hosts)
        for (const auto& a : addrs) extra.emplace_back(host, a);
    std::string hosts;
    try {
        hosts = net::hosts_file(hostname, {svc.name}, own, extra);
    } catch (const Error&) {
        // A service name that is no valid host name (e.g. with '_') is left to DNS.
        hosts = net::hosts_file(hostname, {}, own, extra);
    }
    write_file_atomic(in.dir / "hosts", hosts, 0644);
    if (!in.addresses.empty()) {
        const ProjectNetwork& first = networks.at(in.addresses.front().first);
        write_file_atomic(in.dir / "resolv.conf",
                          net::resolv_conf(first.subnet.gateway(), svc.dns_search, svc.dns_opt),
                          0644);
    }
}

void Supervisor::Impl::set_dns(Instance& in) {
    const auto& svc = in.service->service;
    for (const auto& [key, addr] : in.addresses) {
        std::vector<std::string> names{svc.name, in.name};
        if (!svc.hostname.empty()) names.push_back(svc.hostname);
        if (auto it = svc.networks.find(key); it != svc.networks.end())
            names.insert(names.end(), it->second.aliases.begin(), it->second.aliases.end());
        // `links: [db:database]` elsewhere: "database" answers for db's containers too.
        for (const auto& [other_name, other] : services)
            for (const auto& link : other->service.links) {
                auto colon = link.find(':');
                if (colon != std::string::npos && link.substr(0, colon) == svc.name)
                    names.push_back(link.substr(colon + 1));
            }
        networks.at(key).dns->set_records(in.name, names, addr);
    }
}

void Supervisor::Impl::create_container(Instance& in) {
    ServiceRuntime& s = *in.service;
    InstanceInputs inputs;
    inputs.project = &loaded.project;
    inputs.service = &s.service;
    inputs.index = in.index;
    inputs.name = in.name;
    inputs.dir = in.dir;
    if (in.netns) inputs.netns_path = in.netns->path();
    if (s.image) inputs.image = &*s.image;
    runtime::ContainerSpec spec = build_container_spec(inputs);
    spec.hosts_file = in.dir / "hosts";
    if (fs::exists(in.dir / "resolv.conf")) spec.resolv_conf_file = in.dir / "resolv.conf";
    spec.labels["com.docker.compose.config-hash"] = s.hash;
    auto [out_r, out_w] = make_pipe();
    auto [err_r, err_w] = make_pipe();
    spec.output.stdout_fd = out_w.get();
    spec.output.stderr_fd = err_w.get();
    in.container.emplace(runtime::Container::create(spec));
    out_w.reset();
    // The previous run's last lines first (its pumps go now).
    if (in.out) in.out->drain();
    if (in.err) in.err->drain();
    err_w.reset();
    auto sink = [this, &in](const supervise::LogRecord& r) {
        in.log->write(r);
        if (opts.attached) {
            std::string line = prefixer.format(in.name, r.text);
            if (opts.hold_logs_until_ready && !first_ready_sent) return held_logs.push_back(line);
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        }
    };
    in.out = std::make_unique<LogPump>(io, std::move(out_r), "stdout", sink);
    in.err = std::make_unique<LogPump>(io, std::move(err_r), "stderr", sink);
    event(in, "create");
}

void Supervisor::Impl::start_container(Instance& in) {
    ServiceRuntime& s = *in.service;
    watch_exit(in);
    in.container->start();
    // After start(): what PID 1 reports from now on is the service's exit.
    watch_readable(in, in.container->report_fd(), in.report_watch, &Impl::on_report,
                   "report channel");
    in.started = Clock::now();
    in.started_at = wall_ns(in.started);
    in.pid = in.container->pid();
    in.exit_code.reset();
    in.pid_start_time = in.container->state().pid_start_time;
    in.status = "running";
    s.started = true;
    event(in, "start");
    if (s.health.enabled()) {
        if (in.checks) in.checks->stop();
        if (!in.monitor) {
            in.monitor = std::make_unique<supervise::HealthMonitor>(s.health, in.started);
            in.monitor->on_transition([this, &in](supervise::HealthStatus, supervise::HealthStatus to,
                                                  const supervise::ProbeResult& cause) {
                on_health(in, to, cause);
            });
        } else {
            in.monitor->reset(in.started);
        }
        if (!in.prober) {
            if (s.health.test.kind == supervise::HealthTestKind::Cmd ||
                s.health.test.kind == supervise::HealthTestKind::CmdShell)
                in.exec_runner = std::make_unique<ForkExecProbeRunner>(io, in.name);
            in.prober = std::make_unique<supervise::HealthProber>(
                io, s.health.test, in.netns ? in.netns->fd() : -1, in.exec_runner.get());
            in.checks = std::make_unique<supervise::HealthCheckLoop>(io, *in.monitor, *in.prober);
        }
        in.checks->start();
    }
    // State first: a gate may complete `up`, and its caller reads the state next.
    save_state();
    settle_gates(s);
}

// Calls `fn` once `fd` (dup'ed here) is readable, while `slot` still holds this watch.
void Supervisor::Impl::watch_readable(Instance& in, int fd, std::shared_ptr<void>& slot,
                                      void (Impl::*fn)(Instance&), const char* what) {
    int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (dup < 0) throw_errno(fmt::format("dup the {} of \"{}\"", what, in.name));
    auto d = std::make_shared<asio::posix::stream_descriptor>(io, dup);
    slot = d;
    d->async_wait(asio::posix::stream_descriptor::wait_read,
                  [this, &in, &slot, fn, weak = std::weak_ptr<asio::posix::stream_descriptor>(d)](
                      const boost::system::error_code& ec) {
                      auto self = weak.lock();
                      if (ec || !self || slot != self) return;
                      (this->*fn)(in);
                  });
}

void Supervisor::Impl::watch_exit(Instance& in) {
    watch_readable(in, in.container->pidfd(), in.exit_watch, &Impl::on_exit, "pidfd");
}

// PID 1 reports the service's exit before its own exit and the teardown of its namespaces:
// the exit is acted on from here; on_exit() completes it once PID 1 is collected.
void Supervisor::Impl::on_report(Instance& in) {
    in.report_watch.reset();
    std::optional<runtime::ExitStatus> st;
    try {
        st = in.container->service_exit();
    } catch (const std::exception& e) {
        spdlog::debug("container \"{}\": {}", in.name, e.what());
    }
    // Nothing reported (PID 1 itself died): its pidfd tells.
    if (st && !in.exit_seen) on_service_exit(in, *st);
}

void Supervisor::Impl::on_exit(Instance& in) {
    std::optional<runtime::ExitStatus> st;
    try {
        st = in.container->try_collect();
    } catch (const std::exception& e) {
        spdlog::warn("container \"{}\": {}", in.name, e.what());
        st = runtime::ExitStatus{127, 0, false};
    }
    if (!st) {  // readable before reapable: wait again
        watch_readable(in, in.container->pidfd(), in.exit_watch, &Impl::on_exit, "pidfd");
        return;
    }
    in.exit_watch.reset();
    in.report_watch.reset();
    in.kill_timer->cancel();
    if (!std::exchange(in.exit_seen, false)) on_service_exit(in, *st);
    if (in.stopping && in.status == "restarting") {  // stopped during the backoff
        in.status = "exited";
        save_state();
    }
    auto waiters = std::move(in.on_exit_waiters);
    in.on_exit_waiters.clear();
    for (auto& w : waiters) w();
    if (in.status != "restarting" || in.stopping || shutting_down) return;
    // PID 1 is gone: the next container can be made (and started, if the backoff is over).
    if (std::exchange(in.respawn_due, false))
        respawn(in);
    else
        in.prepare_timer->after(supervise::Duration::zero(), [this, &in] { prepare_restart(in); });
}

void Supervisor::Impl::on_service_exit(Instance& in, const runtime::ExitStatus& st) {
    in.exit_seen = true;
    const int code = st.exit_code();
    if (in.checks) in.checks->stop();
    auto now = Clock::now();
    in.exit_code = code;
    in.finished_at = wall_ns(now);
    in.pid = 0;
    in.status = "exited";
    if (st.oom_killed) event(in, "oom");
    event(in, "die", {{"exitCode", std::to_string(code)}});
    notify_waits();
    ServiceRuntime& s = *in.service;
    if (!s.exited) s.exited = std::make_pair(in.name, code);
    if (opts.attached && !in.stopping)
        print_line(prefixer.status_line(in.name, fmt::format("exited with code {}", code)));
    if (in.stopping) {
        save_state();
        return;
    }
    supervise::RestartDecision d;
    if (in.kill_for_restart) {
        in.kill_for_restart = false;
        d.restart = true;
        d.delay = in.restart_delay;
    } else {
        d = in.restart->on_exit(code, now - in.started);
    }
    if (d.restart && !shutting_down) {
        // The backoff counts from the exit; the next container is made while it runs (once
        // PID 1 is collected), so that only start() is left when it ends.
        in.status = "restarting";
        in.restart_timer->after(d.delay, [this, &in] { respawn(in); });
        save_state();
        settle_gates(s);
        return;
    }
    save_state();
    settle_gates(s);
    on_final_exit(in, code);
}

void Supervisor::Impl::prepare_restart(Instance& in) {
    if (in.stopping || shutting_down) return;
    try {
        in.container.reset();
        runtime::reset_container(in.name);
        create_container(in);
        in.prepared = true;
    } catch (const std::exception& e) {
        // respawn() tries again from scratch and reports what fails then.
        spdlog::warn("prepare the restart of \"{}\": {}", in.name, e.what());
        in.container.reset();
    }
}

void Supervisor::Impl::respawn(Instance& in) {
    if (in.stopping || shutting_down) return;
    if (in.exit_watch) {  // the backoff is over before PID 1 is gone: on_exit() calls again
        in.respawn_due = true;
        return;
    }
    try {
        event(in, "restart");
        if (!std::exchange(in.prepared, false)) {
            in.container.reset();
            runtime::reset_container(in.name);
            create_container(in);
        }
        start_container(in);
    } catch (const std::exception& e) {
        std::string msg = e.what();
        spdlog::error("restart container \"{}\": {}", in.name, msg);
        in.status = "exited";
        in.exit_code = 127;
        if (opts.attached) print_line(prefixer.status_line(in.name, "restart failed: " + msg));
        save_state();
        on_final_exit(in, 127);
    }
}

void Supervisor::Impl::on_health(Instance& in, supervise::HealthStatus to,
                                 const supervise::ProbeResult& cause) {
    ServiceRuntime& s = *in.service;
    event(in, fmt::format("health_status: {}", supervise::to_string(to)));
    if (to == supervise::HealthStatus::Healthy) {
        if (!ready_sent) note(fmt::format("Container {}  Healthy", in.name), opts.up.wait);
        s.healthy = true;
    } else if (to == supervise::HealthStatus::Unhealthy) {
        if (!s.healthy) {
            s.unhealthy_output = cause.output;
            s.unhealthy_container = in.name;
        }
        auto d = in.restart->on_unhealthy(s.x.restart_on_unhealthy, Clock::now() - in.started);
        if (d.restart && in.running() && !in.stopping && !shutting_down) {
            spdlog::info("container \"{}\" is unhealthy: restarting it", in.name);
            in.kill_for_restart = true;
            in.restart_delay = d.delay;
            try {
                in.container->signal(SIGKILL);
            } catch (const std::exception& e) {
                spdlog::warn("kill unhealthy container \"{}\": {}", in.name, e.what());
            }
        }
    }
    save_state();
    settle_gates(s);
    check_wait_ready();
}

void Supervisor::Impl::stop_instance(Instance& in, std::optional<std::chrono::milliseconds> timeout,
                                     bool kill, std::function<void()> done) {
    in.stopping = true;
    in.restart->manual_stop();
    if (in.status == "paused") {  // a frozen process would never see the stop signal
        in.container->unpause();
        in.status = "running";
    }
    in.restart_timer->cancel();
    in.prepare_timer->cancel();
    if (in.checks) in.checks->stop();
    if (!in.container || !in.exit_watch) {  // never started, or already exited
        if (in.status == "restarting") in.status = "exited";
        if (done) done();
        return;
    }
    if (done) in.on_exit_waiters.push_back(std::move(done));
    try {
        if (kill) {
            in.container->signal(SIGKILL);
            return;
        }
        in.container->signal(in.container->state().stop_signal);
    } catch (const std::exception& e) {
        spdlog::warn("stop container \"{}\": {}", in.name, e.what());
    }
    auto grace = timeout.value_or(in.container->stop_grace());
    in.kill_timer->after(grace, [&in] {
        try {
            if (in.container) in.container->signal(SIGKILL);
        } catch (const std::exception& e) {
            spdlog::warn("kill container \"{}\": {}", in.name, e.what());
        }
    });
}

void Supervisor::Impl::remove_instance(Instance& in, std::vector<std::string>& errors) {
    auto attempt = [&](const std::string& what, auto&& fn) {
        try {
            fn();
        } catch (const std::exception& e) {
            errors.push_back(fmt::format("container \"{}\": {}: {}", in.name, what, e.what()));
        }
    };
    in.proxies.clear();
    in.checks.reset();
    in.prober.reset();
    in.exec_runner.reset();
    in.exit_watch.reset();
    in.report_watch.reset();
    in.out.reset();
    in.err.reset();
    if (in.status == "paused")
        attempt("unpause", [&] { in.container->unpause(); });  // a frozen task cannot die
    in.container.reset();
    attempt("remove", [&] { runtime::discard_container(in.name); });
    for (const auto& [key, addr] : in.addresses) {
        auto it = networks.find(key);
        if (it == networks.end()) continue;
        if (it->second.dns) it->second.dns->remove_records(in.name);
        attempt("release address", [&] { it->second.addresses->release(in.name); });
    }
    if (in.netns) {
        in.netns->destroy();
        in.netns.reset();
    }
    std::error_code ec;
    fs::remove_all(in.dir, ec);
    event(in, "destroy");
}

void Supervisor::Impl::publish_ports(Instance& in) {
    const auto& svc = in.service->service;
    if (svc.ports.empty()) return;
    if (in.addresses.empty())
        throw Error("published ports need a network (network_mode host/none has none)");
    const ProjectNetwork& pn = networks.at(in.addresses.front().first);
    for (const auto& p : svc.ports) {
        net::PortBinding b;
        b.protocol = p.protocol.empty() ? "tcp" : p.protocol;
        b.host_ip = p.host_ip.empty() ? "0.0.0.0" : p.host_ip;
        b.container_ip = in.addresses.front().second;
        b.container_port = static_cast<uint16_t>(p.target);
        auto [first, last] = published_range(p.published);
        std::unique_ptr<net::PortProxy> proxy;
        for (uint32_t port = first; !proxy; ++port) {
            b.host_port = static_cast<uint16_t>(port);
            try {
                proxy = std::make_unique<net::PortProxy>(io, pn.bridge->netns_fd(), b);
            } catch (const std::exception&) {
                if (port >= last) throw;  // the last candidate's error names the port
            }
        }
        supervise::PortBinding rec;
        rec.host_ip = b.host_ip;
        rec.host_port = proxy->bound_port();
        rec.container_port = b.container_port;
        rec.protocol = b.protocol;
        in.ports.push_back(rec);
        in.proxies.push_back(std::move(proxy));
    }
    save_state();
}

}  // namespace stk::engine
