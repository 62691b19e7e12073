#include "orchestrator/supervise/gate/readiness_tracker.hpp"

#include <catch2/catch.hpp>
#include <optional>

using namespace stk::supervise;

namespace {

struct Answer {
    std::optional<GateResult> result;
    int calls = 0;
    ReadinessTracker::Waiter waiter() {
        return [this](const GateResult& r) {
            result = r;
            ++calls;
        };
    }
};

}  // namespace

TEST_CASE("gate: conditions parse from compose's names") {
    CHECK(parse_depend_condition("service_started") == DependCondition::Started);
    CHECK(parse_depend_condition("service_healthy") == DependCondition::Healthy);
    CHECK(parse_depend_condition("service_completed_successfully") ==
          DependCondition::CompletedSuccessfully);
    CHECK_FALSE(parse_depend_condition("service_ready"));
}

TEST_CASE("gate: service_started and service_healthy open on their events, once") {
    ReadinessTracker t;
    t.add("db", "demo-db-1", true);
    Answer started, healthy;
    t.wait("db", DependCondition::Started, started.waiter());
    t.wait("db", DependCondition::Healthy, healthy.waiter());
    CHECK(t.pending_waiters() == 2);
    t.started("db");
    REQUIRE(started.result);
    CHECK(started.result->open);
    CHECK_FALSE(healthy.result);
    t.healthy("db");
    REQUIRE(healthy.result);
    CHECK(healthy.result->open);
    t.healthy("db");
    t.exited("db", 1);
    CHECK(started.calls == 1);
    CHECK(healthy.calls == 1);
    CHECK(t.pending_waiters() == 0);
    Answer late;
    t.wait("db", DependCondition::Started, late.waiter());  // known: answered at once
    CHECK(late.calls == 1);
}

TEST_CASE("gate: unhealthy or early exit fails a healthy gate naming the container") {
    ReadinessTracker t;
    t.add("db", "demo-db-1", true);
    t.add("cache", "demo-cache-1", true);
    t.add("plain", "demo-plain-1", false);
    Answer db, cache, plain;
    t.wait("db", DependCondition::Healthy, db.waiter());
    t.wait("cache", DependCondition::Healthy, cache.waiter());
    t.wait("plain", DependCondition::Healthy, plain.waiter());
    REQUIRE(plain.result);
    CHECK_FALSE(plain.result->open);
    CHECK(plain.result->error ==
          "dependency failed to start: container demo-plain-1 has no healthcheck configured");
    t.started("db");
    t.unhealthy("db", "pg_isready: no response");
    REQUIRE(db.result);
    CHECK_FALSE(db.result->open);
    CHECK(db.result->error ==
          "dependency failed to start: container demo-db-1 is unhealthy "
          "(last probe: pg_isready: no response)");
    t.exited("cache", 137);
    REQUIRE(cache.result);
    CHECK(cache.result->error ==
          "dependency failed to start: container demo-cache-1 exited "
          "(137) before it became healthy");
}

TEST_CASE("gate: service_completed_successfully waits for exit 0") {
    ReadinessTracker t;
    t.add("migrate", "demo-migrate-1", false);
    t.add("seed", "demo-seed-1", false);
    Answer ok, bad;
    t.wait("migrate", DependCondition::CompletedSuccessfully, ok.waiter());
    t.wait("seed", DependCondition::CompletedSuccessfully, bad.waiter());
    t.started("migrate");
    CHECK_FALSE(ok.result);
    t.exited("migrate", 0);
    REQUIRE(ok.result);
    CHECK(ok.result->open);
    t.exited("seed", 2);
    REQUIRE(bad.result);
    CHECK_FALSE(bad.result->open);
    CHECK(bad.result->error == "service \"demo-seed-1\" didn't complete successfully: exit 2");
}

TEST_CASE("gate: start failures, unknown services and reset") {
    ReadinessTracker t;
    t.add("web", "demo-web-1", true);
    Answer a, unknown;
    t.wait("web", DependCondition::Started, a.waiter());
    t.failed("web", "create container: mount \"/x\": Permission denied");
    REQUIRE(a.result);
    CHECK(a.result->error ==
          "dependency failed to start: container demo-web-1: create "
          "container: mount \"/x\": Permission denied");
    t.wait("ghost", DependCondition::Started, unknown.waiter());
    REQUIRE(unknown.result);
    CHECK_FALSE(unknown.result->open);
    CHECK_FALSE(t.check("ghost", DependCondition::Started));

    t.reset("web");
    CHECK_FALSE(t.check("web", DependCondition::Started));
    Answer again;
    t.wait("web", DependCondition::Healthy, again.waiter());
    t.started("web");
    CHECK_FALSE(again.result);
    t.healthy("web");
    REQUIRE(again.result);
    CHECK(again.result->open);
}

TEST_CASE("gate: a waiter may chain the next gate from its callback") {
    ReadinessTracker t;
    t.add("a", "p-a-1", true);
    t.add("b", "p-b-1", true);
    std::vector<std::string> order;
    t.wait("a", DependCondition::Healthy, [&](const GateResult& r) {
        order.push_back("a open");
        t.started("b");  // the walker starts the dependant right away
        t.wait("b", DependCondition::Started,
               [&](const GateResult&) { order.push_back("b started"); });
    });
    t.healthy("a");
    CHECK(order == std::vector<std::string>{"a open", "b started"});
}
