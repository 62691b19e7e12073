#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "orchestrator/supervise/lifecycle/container_lifecycle.hpp"
#include "orchestrator/supervise/loop/timer.hpp"
#include "orchestrator/supervise/probe/spawned_exec_runner.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::supervise;
using namespace std::chrono_literals;

namespace {

// Stands in for the runtime: each start runs `sh -c script` on the host.
class HostDriver : public ContainerDriver {
public:
    explicit HostDriver(std::string script) : script_(std::move(script)) {}
    stk::UniqueFd start() override {
        ++starts;
        if (fail_start) throw stk::Error("rootfs missing");
        auto p = spawn_host_process({"/bin/sh", "-c", script_});
        pidfd_ = p.pidfd.get();
        return std::move(p.pidfd);
    }
    void signal(int sig) override {
        signals.push_back(sig);
        ::syscall(SYS_pidfd_send_signal, pidfd_, sig, nullptr, 0);
    }
    int starts = 0;
    bool fail_start = false;
    std::vector<int> signals;

private:
    std::string script_;
    int pidfd_ = -1;
};

class FailingExec : public ExecProbeRunner {
public:
    void run(const std::vector<std::string>&, Duration, ProbeCallback done) override {
        TimePoint now = Clock::now();
        done(ProbeResult{now, now, 1, "still broken"});
    }
};

}  // namespace

TEST_CASE("lifecycle: on-failure:2 restarts twice with the backoff, then stays exited") {
    boost::asio::io_context io;
    HostDriver driver("exit 4");
    LifecycleConfig cfg{"p-crash-1", parse_restart("on-failure:2"), std::nullopt, false};
    std::vector<Duration> delays;
    std::vector<TimePoint> starts;
    LifecycleEvents ev;
    ev.started = [&] { starts.push_back(Clock::now()); };
    ev.exited = [&](const ExitStatus& s, const RestartDecision& d) {
        CHECK(s.exit_code == 4);
        if (d.restart) delays.push_back(d.delay);
    };
    ContainerLifecycle life(io, cfg, driver, nullptr, ev);
    life.start();
    io.run_for(5s);
    CHECK(driver.starts == 3);
    CHECK(delays == std::vector<Duration>{100ms, 200ms});
    REQUIRE(starts.size() == 3);
    CHECK(starts[1] - starts[0] >= 100ms);
    CHECK(starts[2] - starts[1] >= 200ms);
    CHECK(starts[1] - starts[0] < 1s);  // noticed at once: no polling delay
    CHECK(life.state() == LifecycleState::Exited);
    CHECK(life.restart_count() == 2);
    REQUIRE(life.last_exit());
    CHECK(life.last_exit()->exit_code == 4);
}

TEST_CASE("lifecycle: a manual stop cancels restarts under always") {
    boost::asio::io_context io;
    HostDriver driver("sleep 10");
    LifecycleConfig cfg{"p-web-1", parse_restart("always"), std::nullopt, false};
    std::vector<int> codes;
    LifecycleEvents ev;
    ev.exited = [&](const ExitStatus& s, const RestartDecision& d) {
        codes.push_back(s.exit_code);
        CHECK_FALSE(d.restart);
        CHECK(d.reason == "stopped manually");
    };
    ContainerLifecycle life(io, cfg, driver, nullptr, ev);
    life.start();
    CHECK(life.state() == LifecycleState::Running);
    Timer t(io);
    t.after(50ms, [&] { life.stop(SIGTERM); });
    io.run_for(3s);
    CHECK(codes == std::vector<int>{128 + SIGTERM});
    CHECK(driver.starts == 1);
    CHECK(driver.signals == std::vector<int>{SIGTERM});
    CHECK(life.state() == LifecycleState::Exited);
}

TEST_CASE("lifecycle: restart_on_unhealthy kills and starts the container again") {
    boost::asio::io_context io;
    HostDriver driver("sleep 10");
    FailingExec exec;
    HealthConfig hc;
    hc.test = HealthTest{HealthTestKind::Cmd, {"check"}};
    hc.interval = 40ms;
    hc.retries = 2;
    hc.fast_probes = false;
    HealthProber prober(io, hc.test, -1, &exec);
    LifecycleConfig cfg{"p-api-1", parse_restart("no"), hc, true};
    std::vector<std::string> log;
    LifecycleEvents ev;
    ContainerLifecycle* self = nullptr;
    ev.started = [&] {
        log.push_back("started");
        if (driver.starts == 2) self->stop(SIGKILL);  // end the test after one restart
    };
    ev.health = [&](HealthStatus, HealthStatus to, const ProbeResult& r) {
        log.push_back(std::string(to_string(to)) + ":" + r.output);
    };
    ev.exited = [&](const ExitStatus& s, const RestartDecision& d) {
        log.push_back(d.restart ? "exited, restarting" : "exited");
    };
    ContainerLifecycle life(io, cfg, driver, &prober, ev);
    self = &life;
    life.start();
    io.run_for(5s);
    CHECK(log == std::vector<std::string>{"started", "unhealthy:still broken", "exited, restarting",
                                          "started", "exited"});
    CHECK(driver.signals == std::vector<int>{SIGKILL, SIGKILL});
    CHECK(life.restart_count() == 1);
    CHECK(life.state() == LifecycleState::Exited);
    REQUIRE(life.health());
    CHECK(life.health()->status() == HealthStatus::Starting);  // reset by the second start
}

TEST_CASE("lifecycle: a start that fails is reported with the container's name") {
    boost::asio::io_context io;
    HostDriver driver("true");
    driver.fail_start = true;
    std::string error;
    LifecycleEvents ev;
    ev.start_failed = [&](const std::string& e) { error = e; };
    ContainerLifecycle life(io, {"p-db-1", parse_restart("always"), std::nullopt, false}, driver,
                            nullptr, ev);
    life.start();
    io.run_for(100ms);
    CHECK(error == "start container p-db-1: rootfs missing");
    CHECK(life.state() == LifecycleState::Exited);
    CHECK(to_string(life.state()) == "exited");
    HealthConfig hc;
    hc.test = HealthTest{HealthTestKind::Cmd, {"x"}};
    CHECK_THROWS_AS(ContainerLifecycle(io, {"p-db-1", {}, hc, false}, driver, nullptr, ev),
                    stk::Error);
}
