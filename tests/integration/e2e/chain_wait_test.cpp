#include <catch2/catch.hpp>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

int64_t first_healthy_probe_end(const nlohmann::json& c) {
    if (!c.contains("health")) return 0;
    for (const auto& e : c["health"]["log"])
        if (e.value("exit_code", -1) == 0) return e.value("end", 0LL);
    return 0;
}

}  // namespace

TEST_CASE("a chain of five service_healthy gates with interval 1s is up in well under 5 s") {
    std::string yaml = "services:\n";
    for (int i = 1; i <= 5; ++i) {
        yaml += "  s" + std::to_string(i) + ":\n";
        yaml += "    command: [\"sleep\", \"1000\"]\n";
        yaml += "    healthcheck: {test: [\"CMD\", \"true\"], interval: 1s}\n";
        yaml += "    x-stack: {rootfs: host}\n";
        if (i > 1)
            yaml += "    depends_on: {s" + std::to_string(i - 1) +
                    ": {condition: service_healthy}}\n";
    }
    Project p(yaml);
    auto t0 = std::chrono::steady_clock::now();
    auto r = p.run({"up", "-d", "--wait"});
    auto took = std::chrono::steady_clock::now() - t0;
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(took < 3s);  // docker's schedule needs at least 5 s
    for (int i = 1; i <= 5; ++i) {
        auto c = p.container(p.cname("s" + std::to_string(i)));
        CHECK(c["health"]["status"] == "healthy");
        if (i == 1) continue;
        auto dep = p.container(p.cname("s" + std::to_string(i - 1)));
        int64_t gate = first_healthy_probe_end(dep);
        REQUIRE(gate > 0);
        CHECK(c.value("started_at", 0LL) >= gate);
        CHECK(c.value("started_at", 0LL) - gate < 50'000'000);
    }
}

TEST_CASE("a probe that always fails turns unhealthy no sooner than interval * retries") {
    Project p(R"yaml(
services:
  sick:
    command: ["sleep", "1000"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 300ms
      retries: 3
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    REQUIRE(r.code == 0);
    auto c = p.cname("sick");
    int64_t started = p.container(c).value("started_at", 0LL);
    REQUIRE(eventually([&] { return p.container(c)["health"]["status"] == "unhealthy"; }, 5s));
    auto rec = p.container(c);
    // The probe that made it unhealthy ended no sooner than 900 ms after the start.
    int64_t last_end = rec["health"]["log"].back().value("end", 0LL);
    CHECK(last_end - started >= 900'000'000);
    CHECK(rec["health"]["failing_streak"] == 3);
}

TEST_CASE("up --wait fails when a service turns unhealthy, and removed services are orphans") {
    Project p(R"yaml(
services:
  ok:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  extra:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d", "--wait"}).code == 0);
    int extra_pid = p.container(p.cname("extra")).value("pid", 0);
    p.write(R"yaml(
services:
  ok:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("orphan"));
    CHECK(e2e::pid_alive(extra_pid));
    auto r2 = p.run({"up", "-d", "--remove-orphans"});
    INFO(r2.out << r2.err);
    CHECK(r2.code == 0);
    CHECK(eventually([&] { return !e2e::pid_alive(extra_pid); }, 5s));
    INFO(p.state().dump());
    CHECK(p.container(p.cname("extra")).empty());
    CHECK(p.container(p.cname("ok")).value("status", "") == "running");
}

TEST_CASE("abort-on-container-failure ignores a clean exit and stops on a failing one") {
    Project p(R"yaml(
services:
  clean:
    command: ["sh", "-c", "exit 0"]
    x-stack: {rootfs: host}
  failing:
    command: ["sh", "-c", "sleep 0.3; exit 5"]
    x-stack: {rootfs: host}
  server:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "--abort-on-container-failure", "-t", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 5);
    CHECK_THAT(r.out, Catch::Contains("exited with code 0") && Catch::Contains("exited with code 5"));
    CHECK(p.container(p.cname("server")).value("status", "") == "exited");
}

TEST_CASE("up --wait reports a service that turns unhealthy") {
    Project p(R"yaml(
services:
  sick:
    command: ["sleep", "1000"]
    healthcheck:
      test: ["CMD-SHELL", "echo nope; exit 1"]
      interval: 100ms
      retries: 1
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d", "--wait", "--wait-timeout", "10"});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(p.cname("sick") + " is unhealthy"));
}
