#include <catch2/catch.hpp>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::Project;
using namespace std::chrono_literals;
using e2e::eventually;

TEST_CASE("up -d starts in dependency order, state records it, down removes everything") {
    Project p(R"yaml(
services:
  db:
    command: ["sh", "-c", "echo db-up; exec sleep 1000"]
    x-stack: {rootfs: host}
  web:
    command: ["sh", "-c", "echo web-up; exec sleep 1000"]
    depends_on: [db]
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    auto db = p.container(p.cname("db"));
    auto web = p.container(p.cname("web"));
    CHECK(db.value("status", "") == "running");
    CHECK(web.value("status", "") == "running");
    CHECK(db.value("started_at", 0LL) <= web.value("started_at", 0LL));
    CHECK(e2e::pid_alive(db.value("pid", 0)));
    CHECK(eventually([&] { return p.log(p.cname("web")).find("web-up") != std::string::npos; }));
    auto down = p.run({"down", "-t", "1"});
    INFO(down.out << down.err);
    CHECK(down.code == 0);
    CHECK_FALSE(std::filesystem::exists(p.run_dir()));
    CHECK(eventually([&] { return !e2e::pid_alive(db.value("pid", 0)); }, 3s));
    // Idempotent, and nothing to do is success.
    CHECK(p.run({"down"}).code == 0);
}

TEST_CASE("a service_healthy dependant starts within 50 ms of the first healthy probe") {
    Project p(R"yaml(
services:
  db:
    command: ["sh", "-c", "sleep 0.3; touch /tmp/ready; exec sleep 1000"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on:
      db: {condition: service_healthy}
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    auto db = p.container(p.cname("db"));
    auto web = p.container(p.cname("web"));
    REQUIRE(db.contains("health"));
    CHECK(db["health"]["status"] == "healthy");
    int64_t healthy_at = 0;
    for (const auto& e : db["health"]["log"])
        if (e.value("exit_code", -1) == 0) {
            healthy_at = e.value("end", 0LL);
            break;
        }
    REQUIRE(healthy_at > 0);
    int64_t web_started = web.value("started_at", 0LL);
    CHECK(web_started >= healthy_at);
    CHECK(web_started - healthy_at < 50'000'000);
    // Well before docker's schedule would have probed (1 s after start).
    CHECK(healthy_at - db.value("started_at", 0LL) < 900'000'000);
}

TEST_CASE("a failed dependency blocks exactly its dependants and names the container") {
    Project p(R"yaml(
services:
  job:
    command: ["sh", "-c", "exit 3"]
    x-stack: {rootfs: host}
  after:
    command: ["sleep", "1000"]
    depends_on:
      job: {condition: service_completed_successfully}
    x-stack: {rootfs: host}
  after2:
    command: ["sleep", "1000"]
    depends_on: [after]
    x-stack: {rootfs: host}
  lonely:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  optional:
    command: ["sleep", "1000"]
    depends_on:
      job: {condition: service_completed_successfully, required: false}
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("service \"job\" didn't complete successfully: exit 3"));
    CHECK(p.container(p.cname("lonely")).value("status", "") == "running");
    CHECK(p.container(p.cname("optional")).value("status", "") == "running");
    // Created (as compose does before starting) but never started.
    CHECK(p.container(p.cname("after")).value("status", "") == "created");
    CHECK(p.container(p.cname("after")).value("started_at", 0LL) == 0);
    CHECK(p.container(p.cname("after2")).empty());
    auto job = p.container(p.cname("job"));
    CHECK(job.value("exit_code", -1) == 3);
}

TEST_CASE("service_healthy on a service without healthcheck fails like compose") {
    Project p(R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on:
      db: {condition: service_healthy}
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("container " + p.cname("db") +
                                      " has no healthcheck configured"));
}

TEST_CASE("an unhealthy dependency fails its dependant with the last probe's output") {
    Project p(R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    healthcheck:
      test: ["CMD-SHELL", "echo not-ready-yet; exit 1"]
      interval: 200ms
      retries: 2
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on:
      db: {condition: service_healthy}
    x-stack: {rootfs: host}
)yaml");
    auto start = std::chrono::steady_clock::now();
    auto r = p.run({"up", "-d"});
    auto took = std::chrono::steady_clock::now() - start;
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(p.cname("db") + " is unhealthy") &&
                          Catch::Contains("not-ready-yet"));
    // Never sooner than docker: interval * retries after the start.
    CHECK(took >= std::chrono::milliseconds(400));
    CHECK(p.container(p.cname("db"))["health"]["status"] == "unhealthy");
}

TEST_CASE("up with exit-code-from or abort-on-container-exit returns the container exit code") {
    Project p(R"yaml(
services:
  worker:
    command: ["sh", "-c", "sleep 0.2; exit 7"]
    x-stack: {rootfs: host}
  server:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "--exit-code-from", "worker", "-t", "1"});
    INFO(r.out << r.err);
    CHECK(r.code == 7);
    CHECK_THAT(r.out, Catch::Contains("exited with code 7"));
    auto r2 = p.run({"up", "--abort-on-container-exit", "-t", "1"});
    INFO(r2.out << r2.err);
    CHECK(r2.code == 7);
    auto r3 = p.run({"up", "--exit-code-from", "server", "-t", "1"});
    INFO(r3.out << r3.err);
    CHECK(r3.code == 143);  // server stopped by SIGTERM when worker exited
}

TEST_CASE("edit then up recreates only the changed service") {
    std::string yaml = R"yaml(
services:
  a:
    command: ["sleep", "1000"]
    environment: {V: "1"}
    x-stack: {rootfs: host}
  b:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml";
    Project p(yaml);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    int a1 = p.container(p.cname("a")).value("pid", 0);
    int b1 = p.container(p.cname("b")).value("pid", 0);
    REQUIRE(a1 > 0);
    REQUIRE(b1 > 0);
    auto same = p.run({"up", "-d"});
    CHECK(same.code == 0);
    CHECK(p.container(p.cname("a")).value("pid", 0) == a1);
    std::string edited = yaml;
    edited.replace(edited.find("V: \"1\""), 6, "V: \"2\"");
    p.write(edited);
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    int a2 = p.container(p.cname("a")).value("pid", 0);
    CHECK(a2 > 0);
    CHECK(a2 != a1);
    CHECK_FALSE(e2e::pid_alive(a1));
    CHECK(p.container(p.cname("b")).value("pid", 0) == b1);
}
