#include "orchestrator/supervise/health/health_monitor.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <optional>

using namespace stk::supervise;
using namespace std::chrono_literals;

namespace {

const TimePoint T0 = TimePoint{} + 1000h;

Duration since0(TimePoint t) { return t - T0; }

HealthConfig cmd_config(Duration interval, Duration start_period = 0s, Duration start_interval = 5s,
                        int retries = 3, bool fast = false) {
    HealthConfig c;
    c.test.kind = HealthTestKind::Cmd;
    c.test.command = {"true"};
    c.interval = interval;
    c.start_period = start_period;
    c.start_interval = start_interval;
    c.retries = retries;
    c.fast_probes = fast;
    return c;
}

// Whether the probe succeeds when it starts at offset `t` from container start.
using ProbeFn = std::function<bool(Duration t)>;

struct Event {
    Duration at;  // probe end, relative to start
    HealthStatus to;
    bool operator==(const Event& o) const { return at == o.at && to == o.to; }
};

struct Trace {
    std::vector<Duration> probe_starts;
    std::vector<Event> events;
};

// An independent model of moby's monitor loop (daemon/health.go) to compare against.
Trace docker_reference(const HealthConfig& c, const ProbeFn& ok, Duration probe_time,
                       Duration horizon) {
    Trace trace;
    HealthStatus status = HealthStatus::Starting;
    int streak = 0;
    auto interval_at = [&](Duration since) -> Duration {
        if (since >= c.start_period) return c.interval;
        if (c.start_period - since < c.interval) return c.start_period - since;
        return status == HealthStatus::Starting ? c.start_interval : c.interval;
    };
    Duration t = interval_at(0s);
    while (t <= horizon) {
        trace.probe_starts.push_back(t);
        Duration end = t + probe_time;
        HealthStatus before = status;
        if (ok(t)) {
            streak = 0;
            status = HealthStatus::Healthy;
        } else if (!(status == HealthStatus::Starting && t < c.start_period)) {
            if (++streak >= c.retries) status = HealthStatus::Unhealthy;
        }
        if (status != before) trace.events.push_back({end, status});
        t = end + interval_at(end);
    }
    return trace;
}

Trace drive(HealthMonitor& m, const ProbeFn& ok, Duration probe_time, Duration horizon) {
    Trace trace;
    m.on_transition([&](HealthStatus, HealthStatus to, const ProbeResult& r) {
        trace.events.push_back({since0(r.end), to});
    });
    while (since0(m.next_probe_at()) <= horizon) {
        TimePoint start = m.next_probe_at();
        trace.probe_starts.push_back(since0(start));
        m.record(ProbeResult{start, start + probe_time, ok(since0(start)) ? 0 : 1, "out"});
    }
    return trace;
}

std::optional<Duration> first(const Trace& t, HealthStatus s) {
    for (const auto& e : t.events)
        if (e.to == s) return e.at;
    return std::nullopt;
}

}  // namespace

TEST_CASE("health: docker's first probe runs one interval after start") {
    HealthMonitor m(cmd_config(1s), T0);
    CHECK(since0(m.next_probe_at()) == 1s);
    HealthMonitor d(cmd_config(0s), T0);  // zero means docker's default of 30 s
    CHECK(since0(d.next_probe_at()) == 30s);
    CHECK(d.probe_timeout() == 30s);
    CHECK(d.config().retries == 3);
}

TEST_CASE("health: a start period shorter than interval puts the first probe at its end") {
    HealthMonitor m(cmd_config(30s, 10s, 5s), T0);
    CHECK(since0(m.next_probe_at()) == 10s);
}

TEST_CASE("health: docker schedule table inside a long start period") {
    HealthMonitor m(cmd_config(30s, 60s, 5s), T0);
    std::vector<Duration> starts;
    for (int i = 0; i < 10; ++i) {
        TimePoint s = m.next_probe_at();
        starts.push_back(since0(s));
        m.record(ProbeResult{s, s, 1, ""});
    }
    std::vector<Duration> expected = {5s, 10s, 15s, 20s, 25s, 30s, 35s, 60s, 90s, 120s};
    CHECK(starts == expected);
    // Failures at 5..35 s are inside the start period; 60, 90 and 120 s count: unhealthy.
    CHECK(m.status() == HealthStatus::Unhealthy);
    CHECK(m.failing_streak() == 3);
}

TEST_CASE("health: one success makes it healthy, even inside the start period") {
    HealthMonitor m(cmd_config(30s, 60s, 5s), T0);
    std::vector<std::pair<HealthStatus, HealthStatus>> seen;
    m.on_transition(
        [&](HealthStatus a, HealthStatus b, const ProbeResult&) { seen.emplace_back(a, b); });
    TimePoint s = m.next_probe_at();
    CHECK_FALSE(m.record(ProbeResult{s, s + 1ms, 7, "no"}));
    CHECK(m.status() == HealthStatus::Starting);
    CHECK(m.failing_streak() == 0);
    s = m.next_probe_at();
    CHECK(m.record(ProbeResult{s, s + 1ms, 0, "yes"}));
    CHECK(m.status() == HealthStatus::Healthy);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == std::make_pair(HealthStatus::Starting, HealthStatus::Healthy));
    // Healthy inside the start period: the remaining 50 s exceed interval, so interval applies.
    CHECK(since0(m.next_probe_at()) == 10s + 2ms + 30s);
}

TEST_CASE("health: retries consecutive failures make it unhealthy, one success heals") {
    HealthMonitor m(cmd_config(1s, 0s, 5s, 2), T0);
    auto probe = [&](int code) {
        TimePoint s = m.next_probe_at();
        return m.record(ProbeResult{s, s, code, ""});
    };
    CHECK(probe(0));
    CHECK_FALSE(probe(1));
    CHECK(m.failing_streak() == 1);
    CHECK_FALSE(probe(0));
    CHECK(m.failing_streak() == 0);
    CHECK_FALSE(probe(1));
    CHECK(probe(1));
    CHECK(m.status() == HealthStatus::Unhealthy);
    CHECK_FALSE(probe(1));
    CHECK(m.failing_streak() == 3);
    CHECK(probe(0));
    CHECK(m.status() == HealthStatus::Healthy);
}

TEST_CASE("health: the log keeps the last five results with output cut at 4 KiB") {
    HealthMonitor m(cmd_config(1s), T0);
    for (int i = 0; i < 7; ++i) {
        TimePoint s = m.next_probe_at();
        m.record(ProbeResult{s, s + 1ms, i, std::string(i == 6 ? 5000 : 3, 'a' + i)});
    }
    REQUIRE(m.log().size() == kHealthLogSize);
    CHECK(m.log().front().exit_code == 2);
    CHECK(m.log().back().exit_code == 6);
    CHECK(m.log().back().output.size() == 4096 + 3);
    CHECK(m.log().back().output.substr(4096) == "...");
    CHECK(m.log()[3].output == "fff");
    CHECK(truncate_probe_output(std::string(4096, 'x')) == std::string(4096, 'x'));
}

TEST_CASE("health: reset after a restart starts over and keeps the log") {
    HealthMonitor m(cmd_config(1s, 0s, 5s, 1), T0);
    TimePoint s = m.next_probe_at();
    m.record(ProbeResult{s, s, 1, "down"});
    REQUIRE(m.status() == HealthStatus::Unhealthy);
    m.reset(T0 + 100s);
    CHECK(m.status() == HealthStatus::Starting);
    CHECK(m.failing_streak() == 0);
    CHECK(m.log().size() == 1);
    CHECK(since0(m.next_probe_at()) == 101s);
}

TEST_CASE("health: timeout results quote the timeout as docker does") {
    TimePoint s = T0;
    CHECK(timeout_result(s, s + 30s, 30s).output == "Health check exceeded timeout (30s)");
    CHECK(timeout_result(s, s, 1500ms).output == "Health check exceeded timeout (1.5s)");
    CHECK(timeout_result(s, s, 90s).output == "Health check exceeded timeout (1m30s)");
    CHECK(timeout_result(s, s, 250ms).output == "Health check exceeded timeout (250ms)");
    CHECK(timeout_result(s, s, 2h).output == "Health check exceeded timeout (2h0m0s)");
    CHECK(timeout_result(s, s, 1s).exit_code == kProbeErrorExit);
    CHECK_FALSE(timeout_result(s, s, 1s).ok());
}

TEST_CASE("health: a disabled healthcheck has no monitor") {
    HealthConfig c;
    CHECK_FALSE(c.enabled());
    CHECK_THROWS(HealthMonitor(c, T0));
    CHECK(health_status_from_string("healthy") == HealthStatus::Healthy);
    CHECK(to_string(HealthStatus::Unhealthy) == "unhealthy");
    CHECK_THROWS(health_status_from_string("sick"));
}

TEST_CASE("health: fast phase cadence table (probe at once, then 10, 20, 40 ms ...)") {
    // interval 1 s, no start period: cadence capped at interval; probe always failing.
    HealthMonitor m(cmd_config(1s, 0s, 5s, 3, true), T0);
    std::vector<Duration> starts;
    while (starts.size() < 12) {
        TimePoint s = m.next_probe_at();
        starts.push_back(since0(s));
        m.record(ProbeResult{s, s, 1, ""});
    }
    // 0,10,30,70,150,310,630 ms; then the docker ticks at 1, 2 and 3 s are probed exactly and
    // are the three counted failures: unhealthy at 3 s as with docker; then interval.
    std::vector<Duration> expected = {0ms,   10ms,   30ms,   70ms,   150ms,  310ms,
                                      630ms, 1000ms, 2000ms, 3000ms, 4000ms, 5000ms};
    CHECK(starts == expected);
    CHECK(m.status() == HealthStatus::Unhealthy);
}

TEST_CASE("health: fast phase sees readiness within one cadence step") {
    HealthMonitor m(cmd_config(30s, 0s, 5s, 3, true), T0);
    Duration ready = 250ms;
    while (m.status() == HealthStatus::Starting) {
        TimePoint s = m.next_probe_at();
        m.record(ProbeResult{s, s + 1ms, since0(s) >= ready ? 0 : 1, ""});
    }
    CHECK(m.status() == HealthStatus::Healthy);
    // Probes at 0, 11, 32, 73, 154, 315 ms (each 1 ms long): healthy at the 315 ms probe's end.
    CHECK(since0(m.log().back().end) == 316ms);
    CHECK(m.failing_streak() == 0);
    // Healthy: docker's interval from now on.
    CHECK(m.next_probe_at() - m.log().back().end == 30s);
    CHECK_FALSE(m.in_fast_phase());
}

TEST_CASE("health: fast_probes=false follows docker's schedule exactly (exhaustive)") {
    std::vector<Duration> intervals = {1s, 30s};
    std::vector<Duration> periods = {0s, 2s, 10s, 45s};
    std::vector<Duration> start_intervals = {100ms, 5s};
    std::vector<int> retries = {1, 3};
    std::vector<Duration> probe_times = {0ms, 50ms};
    std::vector<std::pair<Duration, Duration>> windows = {
        // healthy in [from, until)
        {1000h, 1000h}, {0s, 1000h}, {3s, 1000h}, {0s, 20s}, {12s, 70s}, {50s, 1000h}};
    int cases = 0;
    for (auto iv : intervals)
        for (auto sp : periods)
            for (auto si : start_intervals)
                for (int r : retries)
                    for (auto pt : probe_times)
                        for (auto [from, until] : windows) {
                            auto cfg = cmd_config(iv, sp, si, r, false);
                            ProbeFn ok = [=](Duration t) { return t >= from && t < until; };
                            Trace want = docker_reference(cfg, ok, pt, 300s);
                            HealthMonitor m(cfg, T0);
                            Trace got = drive(m, ok, pt, 300s);
                            INFO("interval " << iv.count() << " sp " << sp.count() << " si "
                                             << si.count() << " retries " << r << " window "
                                             << from.count() << ".." << until.count());
                            REQUIRE(got.probe_starts == want.probe_starts);
                            REQUIRE(got.events == want.events);
                            ++cases;
                        }
    CHECK(cases == 2 * 4 * 2 * 2 * 2 * 6);
}

TEST_CASE("health: fast phase never turns unhealthy sooner than docker (exhaustive)") {
    std::vector<Duration> intervals = {1s, 30s};
    std::vector<Duration> periods = {0s, 2s, 10s, 45s};
    std::vector<Duration> start_intervals = {100ms, 5s};
    std::vector<int> retries = {1, 3};
    std::vector<Duration> probe_times = {0ms, 50ms};
    for (auto iv : intervals)
        for (auto sp : periods)
            for (auto si : start_intervals)
                for (int r : retries)
                    for (auto pt : probe_times) {
                        INFO("interval " << iv.count() << " sp " << sp.count() << " si "
                                         << si.count() << " retries " << r << " probe "
                                         << pt.count());
                        ProbeFn never = [](Duration) { return false; };
                        Trace docker = docker_reference(cmd_config(iv, sp, si, r), never, pt, 400s);
                        HealthMonitor m(cmd_config(iv, sp, si, r, true), T0);
                        Trace fast = drive(m, never, pt, 400s);
                        // Always failing: exactly docker's moment, never sooner.
                        REQUIRE(first(docker, HealthStatus::Unhealthy));
                        REQUIRE(first(fast, HealthStatus::Unhealthy) ==
                                first(docker, HealthStatus::Unhealthy));
                        CHECK(*first(fast, HealthStatus::Unhealthy) >= sp + (r - 1) * iv);

                        // Ready at 3 s: fast sees it no later than docker, and within one
                        // cadence step (capped) of readiness.
                        ProbeFn ready = [](Duration t) { return t >= 3s; };
                        Trace d2 = docker_reference(cmd_config(iv, sp, si, r), ready, pt, 400s);
                        HealthMonitor m2(cmd_config(iv, sp, si, r, true), T0);
                        Trace f2 = drive(m2, ready, pt, 400s);
                        auto fast_healthy = first(f2, HealthStatus::Healthy);
                        auto docker_healthy = first(d2, HealthStatus::Healthy);
                        REQUIRE(fast_healthy);
                        REQUIRE(docker_healthy);
                        CHECK(*fast_healthy <= *docker_healthy);
                        // Unhealthy before readiness ends the fast phase (docker's schedule
                        // takes over); otherwise readiness is seen within one capped step.
                        Duration cap = sp > 0s ? si : iv;
                        if (auto u = first(f2, HealthStatus::Unhealthy)) {
                            CHECK(*u >= sp + (r - 1) * iv);
                            CHECK(*u == *first(d2, HealthStatus::Unhealthy));
                        } else {
                            CHECK(*fast_healthy <= 3s + std::min<Duration>(cap, 3s) + 2 * pt);
                        }
                    }
}
