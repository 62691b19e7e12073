// One container's life under the supervisor: network plumbing (kept across restarts), create,
// start, log pumps, exit (pidfd on the loop), restart policy, health, stop and removal.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

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

// "8080" -> 8080, "8000-8010" -> 8000 (the first of the range), "" -> 0 (ephemeral).
uint16_t first_port(const std::string& published) {
    if (published.empty()) return 0;
    std::string first = published.substr(0, published.find('-'));
    unsigned long v = std::stoul(first);
    if (v > 65535) throw Error(fmt::format("published port \"{}\" is out of range", published));
    return static_cast<uint16_t>(v);
}

}  // namespace

void Supervisor::Impl::create_instance(ServiceRuntime& s, int index) {
    auto owned = std::make_unique<Instance>();
    Instance& in = *owned;
    in.service = &s;
    in.index = index;
    in.name = container_name(loaded.project, s.service, index);
    in.dir = store.dir() / "containers" / in.name;
    in.restart = std::make_unique<supervise::RestartManager>(s.policy);
    in.restart_timer = std::make_unique<supervise::Timer>(io);
    in.kill_timer = std::make_unique<supervise::Timer>(io);
    s.instances.push_back(std::move(owned));
    with_context(fmt::format("container \"{}\"", in.name), [&] {
        fs::create_directories(in.dir);
        fs::create_directories(store.dir() / "logs");
        in.log = std::make_unique<LogFileWriter>((store.dir() / "logs" / (in.name + ".log")).string());
        prefixer.add(in.name);
        if (runtime::find_container(in.name)) runtime::remove_container(in.name, true);

        const auto& svc = s.service;
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
        write_etc_files(in);
        set_dns(in);
        create_container(in);
    });
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

void Supervisor::Impl::spawn(Instance& in) {
    create_container(in);
    start_container(in);
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
    err_w.reset();
    auto sink = [this, &in](const supervise::LogRecord& r) {
        in.log->write(r);
        if (opts.attached) {
            std::string line = prefixer.format(in.name, r.text);
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        }
    };
    in.out = std::make_unique<LogPump>(io, std::move(out_r), "stdout", sink);
    in.err = std::make_unique<LogPump>(io, std::move(err_r), "stderr", sink);
    in.exit_code.reset();
    in.status = "created";
    save_state();
}

void Supervisor::Impl::start_container(Instance& in) {
    ServiceRuntime& s = *in.service;
    watch_exit(in);
    in.container->start();
    in.started = Clock::now();
    in.started_at = wall_ns(in.started);
    in.pid = in.container->pid();
    in.pid_start_time = in.container->state().pid_start_time;
    in.status = "running";
    s.started = true;
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

void Supervisor::Impl::watch_exit(Instance& in) {
    int fd = ::fcntl(in.container->pidfd(), F_DUPFD_CLOEXEC, 3);
    if (fd < 0) throw_errno(fmt::format("dup the pidfd of \"{}\"", in.name));
    auto d = std::make_shared<asio::posix::stream_descriptor>(io, fd);
    in.exit_watch = d;
    d->async_wait(asio::posix::stream_descriptor::wait_read,
                  [this, &in, weak = std::weak_ptr<asio::posix::stream_descriptor>(d)](
                      const boost::system::error_code& ec) {
                      auto self = weak.lock();
                      if (ec || !self || in.exit_watch != self) return;
                      on_exit(in);
                  });
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
        watch_exit(in);
        return;
    }
    in.exit_watch.reset();
    in.kill_timer->cancel();
    if (in.checks) in.checks->stop();
    int code = st->exit_code();
    auto now = Clock::now();
    in.exit_code = code;
    in.finished_at = wall_ns(now);
    in.pid = 0;
    in.status = "exited";
    ServiceRuntime& s = *in.service;
    if (!s.exited) s.exited = std::make_pair(in.name, code);
    if (opts.attached && !in.stopping)
        print_line(prefixer.status_line(in.name, fmt::format("exited with code {}", code)));
    auto waiters = std::move(in.on_exit_waiters);
    in.on_exit_waiters.clear();
    if (in.stopping) {
        save_state();
        for (auto& w : waiters) w();
        return;
    }
    save_state();
    settle_gates(s);
    supervise::Duration ran_for = now - in.started;
    supervise::RestartDecision d;
    if (in.kill_for_restart) {
        in.kill_for_restart = false;
        d.restart = true;
        d.delay = in.restart_delay;
    } else {
        d = in.restart->on_exit(code, ran_for);
    }
    if (d.restart && !shutting_down) {
        in.status = "restarting";
        in.restart_timer->after(d.delay, [this, &in] { respawn(in); });
        save_state();
        return;
    }
    save_state();
    on_final_exit(in, code);
}

void Supervisor::Impl::respawn(Instance& in) {
    if (in.stopping || shutting_down) return;
    try {
        runtime::remove_container(in.name, true);
        spawn(in);
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
    if (to == supervise::HealthStatus::Healthy) {
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
    in.restart_timer->cancel();
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
    in.out.reset();
    in.err.reset();
    in.container.reset();
    attempt("remove", [&] {
        if (runtime::find_container(in.name)) runtime::remove_container(in.name, true);
    });
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
        b.host_port = first_port(p.published);
        b.container_ip = in.addresses.front().second;
        b.container_port = static_cast<uint16_t>(p.target);
        auto proxy = std::make_unique<net::PortProxy>(io, pn.bridge->netns_fd(), b);
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
