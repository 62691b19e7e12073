// `stack ps` and `stack ls` against state files written by hand; no supervisor runs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/unit/cli/cli_fixture.hpp"

using namespace cli_test;
using stk::supervise::ContainerRecord;
using stk::supervise::ProjectState;
using stk::supervise::StateStore;

namespace {

// web: running and healthy with a port; api: running, 2 restarts; job: exited 0;
// db: recorded running but its process is gone (a pid start time that cannot match).
ProjectState demo_state(const std::string& project) {
    ProjectState s;
    s.project = project;
    s.config_files = {"/srv/demo/compose.yaml"};
    auto web = live_record(project, "web", 1);
    web.health = stk::supervise::HealthRecord{"healthy", 0, {}};
    web.ports.push_back({"127.0.0.1", 8080, 80, "tcp"});
    auto api = live_record(project, "api", 1);
    api.restart_count = 2;
    ContainerRecord job;
    job.name = project + "-job-1";
    job.service = "job";
    job.status = "exited";
    job.exit_code = 0;
    ContainerRecord db = live_record(project, "db", 1);
    db.pid_start_time += 12345;
    s.containers = {web, api, job, db};
    return s;
}

}  // namespace

TEST_CASE("cli ps: table of running containers with status, health, restarts, uptime, ports") {
    RunRoot root;
    StateStore(root.path, "psdemo").save(demo_state("psdemo"));
    auto r = run_stack(root, "-p psdemo ps");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "NAME           SERVICE   STATUS              HEALTH    EXIT   RESTARTS   UPTIME"
          "         PORTS\n"
          "psdemo-api-1   api       running                              2          Up 3 minutes\n"
          "psdemo-web-1   web       running (healthy)   healthy          0          Up 3 minutes"
          "   127.0.0.1:8080->80/tcp\n");
}

TEST_CASE("cli ps: -a shows exited and dead (process gone, no supervisor) containers") {
    RunRoot root;
    StateStore(root.path, "psall").save(demo_state("psall"));
    auto r = run_stack(root, "-p psall ps -a");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("psall-db-1    db        dead") != std::string::npos);
    CHECK(r.out.find("psall-job-1   job       exited (0)                    0      0") !=
          std::string::npos);
}

TEST_CASE("cli ps: --format json gives compose-like keys") {
    RunRoot root;
    StateStore(root.path, "psjson").save(demo_state("psjson"));
    auto r = run_stack(root, "-p psjson ps -a --format json");
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 4);
    const auto& web = j[3];
    CHECK(web["Name"] == "psjson-web-1");
    CHECK(web["Service"] == "web");
    CHECK(web["State"] == "running");
    CHECK(web["Health"] == "healthy");
    CHECK(web["ExitCode"] == 0);
    CHECK(web["RestartCount"] == 0);
    CHECK(web["Publishers"][0]["PublishedPort"] == 8080);
    CHECK(web["Publishers"][0]["TargetPort"] == 80);
    CHECK(web["Publishers"][0]["URL"] == "127.0.0.1");
    CHECK(j[0]["RestartCount"] == 2);
    CHECK(j[1]["State"] == "dead");
}

TEST_CASE("cli ps: -q, --services, --status and service arguments filter") {
    RunRoot root;
    StateStore(root.path, "psq").save(demo_state("psq"));
    CHECK(run_stack(root, "-p psq ps -q").out == "psq-api-1\npsq-web-1\n");
    CHECK(run_stack(root, "-p psq ps -a --services").out == "api\ndb\njob\nweb\n");
    CHECK(run_stack(root, "-p psq ps -q --status exited").out == "psq-job-1\n");
    CHECK(run_stack(root, "-p psq ps -q --status dead").out == "psq-db-1\n");
    CHECK(run_stack(root, "-p psq ps -q web").out == "psq-web-1\n");
}

TEST_CASE("cli ps: a project that never ran prints only the header") {
    RunRoot root;
    auto r = run_stack(root, "-p nothing ps");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "NAME   SERVICE   STATUS   HEALTH   EXIT   RESTARTS   UPTIME   PORTS\n");
}

TEST_CASE("cli ls: running projects, -a adds stopped ones, json") {
    RunRoot root;
    StateStore(root.path, "lsrun").save(demo_state("lsrun"));
    ProjectState stopped;
    stopped.project = "lsstop";
    stopped.config_files = {"/a/compose.yaml", "/a/compose.override.yaml"};
    ContainerRecord c;
    c.name = "lsstop-x-1";
    c.service = "x";
    c.status = "exited";
    c.exit_code = 3;
    stopped.containers = {c};
    StateStore(root.path, "lsstop").save(stopped);

    auto r = run_stack(root, "ls");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "NAME    STATUS" + std::string(27, ' ') +
                       "CONFIG FILES\n"
                       "lsrun   dead(1), exited(1), running(2)   /srv/demo/compose.yaml\n");
    auto all = run_stack(root, "ls -a --format json");
    auto j = nlohmann::json::parse(all.out);
    REQUIRE(j.size() == 2);
    CHECK(j[1]["Name"] == "lsstop");
    CHECK(j[1]["Status"] == "exited(1)");
    CHECK(j[1]["ConfigFiles"] == "/a/compose.yaml,/a/compose.override.yaml");
    CHECK(run_stack(root, "ls -a -q").out == "lsrun\nlsstop\n");
}
