#include "orchestrator/supervise/restart/restart_manager.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::supervise;
using namespace std::chrono_literals;

TEST_CASE("restart: parse the restart key") {
    CHECK(parse_restart("no").mode == RestartMode::No);
    CHECK(parse_restart("").mode == RestartMode::No);
    CHECK(parse_restart("always").mode == RestartMode::Always);
    CHECK(parse_restart("unless-stopped").mode == RestartMode::UnlessStopped);
    auto p = parse_restart("on-failure");
    CHECK(p.mode == RestartMode::OnFailure);
    CHECK(p.max_attempts == 0);
    CHECK(parse_restart("on-failure:5").max_attempts == 5);
    CHECK(to_string(parse_restart("on-failure:5")) == "on-failure:5");
    CHECK(to_string(parse_restart("unless-stopped")) == "unless-stopped");
    CHECK_THROWS_AS(parse_restart("sometimes"), stk::Error);
    CHECK_THROWS_AS(parse_restart("on-failure:"), stk::Error);
    CHECK_THROWS_AS(parse_restart("on-failure:x"), stk::Error);
    CHECK_THROWS_AS(parse_restart("on-failure:-1"), stk::Error);
    CHECK_THROWS_AS(parse_restart("on-failure5"), stk::Error);
    try {
        parse_restart("sometimes");
    } catch (const stk::Error& e) {
        CHECK(std::string(e.what()).find("\"sometimes\"") != std::string::npos);
    }
}

TEST_CASE("restart: deploy.restart_policy maps like compose") {
    CHECK(from_deploy({"none", {}, {}, {}}).mode == RestartMode::No);
    CHECK(from_deploy({"any", {}, {}, {}}).mode == RestartMode::Always);
    CHECK(from_deploy({"", {}, {}, {}}).mode == RestartMode::Always);
    auto p = from_deploy({"on-failure", 2s, 3, 30s});
    CHECK(p.mode == RestartMode::OnFailure);
    CHECK(p.max_attempts == 3);
    CHECK(p.delay == Duration(2s));
    CHECK(p.window == Duration(30s));
    CHECK_THROWS_AS(from_deploy({"sometimes", {}, {}, {}}), stk::Error);
    CHECK_THROWS_AS(from_deploy({"any", {}, -1, {}}), stk::Error);
}

TEST_CASE("restart: backoff table 100 ms doubling to 1 min, reset after 10 s of running") {
    RestartManager m(parse_restart("always"));
    std::vector<Duration> delays;
    for (int i = 0; i < 12; ++i) {
        auto d = m.on_exit(1, 1s);
        REQUIRE(d.restart);
        delays.push_back(d.delay);
    }
    std::vector<Duration> expected = {100ms,  200ms,   400ms,   800ms,   1600ms, 3200ms,
                                      6400ms, 12800ms, 25600ms, 51200ms, 60s,    60s};
    CHECK(delays == expected);
    CHECK(m.restart_count() == 12);
    // A run of exactly 10 s resets the backoff; 9.999 s does not.
    CHECK(m.on_exit(1, 10s).delay == 100ms);
    CHECK(m.on_exit(1, 9999ms).delay == 200ms);
    CHECK(m.on_exit(0, 30s).delay == 100ms);
}

TEST_CASE("restart: no never restarts") {
    RestartManager m(parse_restart("no"));
    for (int code : {0, 1, 137}) CHECK_FALSE(m.on_exit(code, 1s).restart);
    CHECK(m.restart_count() == 0);
}

TEST_CASE("restart: always restarts on any exit code, unless stopped manually") {
    RestartManager m(parse_restart("always"));
    CHECK(m.on_exit(0, 1s).restart);
    CHECK(m.on_exit(3, 1s).restart);
    m.manual_stop();
    auto d = m.on_exit(143, 1s);
    CHECK_FALSE(d.restart);
    CHECK(d.reason == "stopped manually");
    m.manual_start();
    CHECK(m.restart_count() == 0);
    auto again = m.on_exit(1, 1s);
    CHECK(again.restart);
    CHECK(again.delay == 100ms);
}

TEST_CASE("restart: unless-stopped is always except after a manual stop") {
    RestartManager m(parse_restart("unless-stopped"));
    CHECK(m.on_exit(0, 1s).restart);
    m.manual_stop();
    CHECK(m.manually_stopped());
    CHECK_FALSE(m.on_exit(0, 1s).restart);
    CHECK(restart_on_supervisor_start(m.policy(), true, 0) == false);
    CHECK(restart_on_supervisor_start(m.policy(), false, 0) == true);
}

TEST_CASE("restart: on-failure:2 stops after two restarts and ignores exit 0") {
    RestartManager m(parse_restart("on-failure:2"));
    CHECK_FALSE(m.on_exit(0, 1s).restart);
    auto a = m.on_exit(1, 1s);
    auto b = m.on_exit(1, 1s);
    auto c = m.on_exit(1, 1s);
    CHECK(a.restart);
    CHECK(b.restart);
    CHECK_FALSE(c.restart);
    CHECK(c.reason == "gave up after 2 restarts");
    CHECK(m.restart_count() == 2);
    // Backoff kept growing across the exit 0 too, as moby updates it before deciding.
    CHECK(a.delay == 200ms);
    CHECK(b.delay == 400ms);
}

TEST_CASE("restart: on-failure without a count never gives up") {
    RestartManager m(parse_restart("on-failure"));
    for (int i = 0; i < 50; ++i) REQUIRE(m.on_exit(2, 1s).restart);
    CHECK(m.restart_count() == 50);
    CHECK(m.current_backoff() == 60s);
}

TEST_CASE("restart: deploy delay replaces the backoff and window resets attempts") {
    RestartManager m(from_deploy({"any", 2s, 2, 5s}));
    auto a = m.on_exit(1, 1s);
    CHECK(a.restart);
    CHECK(a.delay == 2s);
    CHECK(m.on_exit(1, 1s).restart);
    CHECK_FALSE(m.on_exit(1, 1s).restart);  // max_attempts 2 within the window
    RestartManager w(from_deploy({"on-failure", {}, 1, 5s}));
    CHECK(w.on_exit(1, 1s).restart);
    CHECK_FALSE(w.on_exit(1, 1s).restart);
    CHECK(w.on_exit(1, 6s).restart);  // ran longer than window: a success, attempts reset
}

TEST_CASE("restart: restart_on_unhealthy decision") {
    RestartManager off(parse_restart("always"));
    CHECK_FALSE(off.on_unhealthy(false, 1s).restart);
    CHECK(off.restart_count() == 0);

    RestartManager on(parse_restart("no"));
    auto d = on.on_unhealthy(true, 20s);
    CHECK(d.restart);
    CHECK(d.delay == 100ms);
    CHECK(d.reason == "unhealthy");
    CHECK(on.restart_count() == 1);
    CHECK(on.on_unhealthy(true, 1s).delay == 200ms);
    on.manual_stop();
    CHECK_FALSE(on.on_unhealthy(true, 1s).restart);

    RestartManager limited(parse_restart("on-failure:1"));
    CHECK(limited.on_unhealthy(true, 1s).restart);
    CHECK_FALSE(limited.on_unhealthy(true, 1s).restart);
}

TEST_CASE("restart: supervisor start brings back what docker's daemon would") {
    CHECK_FALSE(restart_on_supervisor_start(parse_restart("no"), false, 1));
    CHECK(restart_on_supervisor_start(parse_restart("always"), true, 0));
    CHECK(restart_on_supervisor_start(parse_restart("on-failure"), false, 1));
    CHECK_FALSE(restart_on_supervisor_start(parse_restart("on-failure"), false, 0));
}
