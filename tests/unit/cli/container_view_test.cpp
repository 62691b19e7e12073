// The texts `stack ps` derives from a container record.
#include "orchestrator/cli/output/container_view.hpp"

#include <catch2/catch.hpp>

#include "orchestrator/cli/output/table.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;
using cli::output::human_duration;

namespace {
constexpr int64_t kS = 1'000'000'000;
}

TEST_CASE("container view: human durations as docker prints them") {
    CHECK(human_duration(kS / 2) == "Less than a second");
    CHECK(human_duration(1 * kS) == "1 second");
    CHECK(human_duration(59 * kS) == "59 seconds");
    CHECK(human_duration(60 * kS) == "About a minute");
    CHECK(human_duration(3 * 60 * kS) == "3 minutes");
    CHECK(human_duration(3600 * kS) == "About an hour");
    CHECK(human_duration(5 * 3600 * kS) == "5 hours");
    CHECK(human_duration(3 * 24 * 3600 * kS) == "3 days");
    CHECK(human_duration(21 * 24 * 3600 * kS) == "3 weeks");
    CHECK(human_duration(400LL * 24 * 3600 * kS) == "13 months");
    CHECK(human_duration(800LL * 24 * 3600 * kS) == "2 years");
}

TEST_CASE("container view: status, health, exit and ports from the record") {
    supervise::ContainerRecord r;
    r.name = "demo-web-1";
    r.service = "web";
    r.status = "running";
    r.started_at = 100 * kS;
    r.health = supervise::HealthRecord{"starting", 0, {}};
    r.ports = {{"", 8080, 80, "tcp"}, {"127.0.0.1", 5353, 53, "udp"}};
    auto v = cli::output::view_container(r, true, 280 * kS);
    CHECK(v.status == "running (starting)");
    CHECK(v.uptime == "Up 3 minutes");
    CHECK(v.ports == "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp");

    auto gone = cli::output::view_container(r, false, 280 * kS);
    CHECK(gone.state == "dead");
    CHECK(gone.status == "dead");
    CHECK(gone.uptime.empty());
    CHECK(gone.health.empty());

    r.status = "exited";
    r.exit_code = 137;
    CHECK(cli::output::view_container(r, false, 0).status == "exited (137)");
    r.status = "restarting";
    CHECK(cli::output::view_container(r, true, 0).status == "restarting");
}

TEST_CASE("table: columns padded to the widest cell, last one not padded") {
    cli::output::Table t({"A", "LONGER", "C"});
    t.add_row({"xyz", "", "last"});
    CHECK(t.render() == "A     LONGER   C\nxyz            last\n");
    CHECK_THROWS_AS(t.add_row({"only one"}), Error);
}
