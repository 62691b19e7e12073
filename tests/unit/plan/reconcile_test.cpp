// reconcile(): every decision as golden plan text.
#include "orchestrator/plan/reconcile.hpp"

#include <catch2/catch.hpp>

#include "orchestrator/graph/project_graph.hpp"
#include "orchestrator/load/hash.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;

namespace {

model::Service service(const std::string& name, const std::string& command = "sleep 1000") {
    model::Service s;
    s.name = name;
    s.image = "busybox";
    s.command = model::CommandLine{{"sh", "-c", command}, false};
    return s;
}

void depends(model::Service& s, const std::string& on, const std::string& condition,
             bool restart = false) {
    model::DependsOn d;
    d.condition = condition;
    d.restart = restart;
    s.depends_on[on] = d;
}

// db <- api (healthy, restart: true) <- web; job is a one-shot that api needs to complete.
model::Project demo() {
    model::Project p;
    p.name = "demo";
    auto db = service("db");
    auto job = service("job", "echo migrated");
    auto api = service("api");
    depends(api, "db", "service_healthy", true);
    depends(api, "job", "service_completed_successfully");
    auto web = service("web");
    depends(web, "api", "service_started");
    p.services = {api, db, job, web};
    return p;
}

supervise::ContainerRecord record(const model::Project& p, const std::string& svc, int index,
                                  const std::string& status, std::optional<int> exit = {}) {
    supervise::ContainerRecord r;
    r.service = svc;
    r.index = index;
    r.name = p.name + "-" + svc + "-" + std::to_string(index);
    r.config_hash = load::config_hash(*p.find_service(svc));
    r.status = status;
    r.exit_code = exit;
    r.pid = status == "running" ? 4242 : 0;
    return r;
}

// Every service running with its current config, the job completed.
plan::Observed all_up(const model::Project& p) {
    plan::Observed o;
    o.state = supervise::ProjectState{};
    o.state->project = p.name;
    for (const auto& s : p.services) {
        bool job = s.name == "job";
        o.state->containers.push_back(record(p, s.name, 1, job ? "exited" : "running",
                                             job ? std::optional(0) : std::nullopt));
        if (!job) o.alive.insert(p.name + "-" + s.name + "-1");
    }
    return o;
}

std::string run(const model::Project& p, const plan::UpOptions& options,
                const plan::Observed& observed) {
    return plan::reconcile(p, graph::build_project_graph(p), options, observed).to_string();
}

}  // namespace

TEST_CASE("reconcile: a project that never ran creates everything in dependency order") {
    auto p = demo();
    CHECK(run(p, {}, {}) ==
          "plan for project \"demo\":\n"
          "  create    demo-db-1  (new)\n"
          "  create    demo-job-1  (new)\n"
          "  create    demo-api-1  (new)\n"
          "  create    demo-web-1  (new)\n");
}

TEST_CASE("reconcile: running with equal hashes keeps everything and the finished job") {
    auto p = demo();
    auto plan = plan::reconcile(p, graph::build_project_graph(p), {}, all_up(p));
    CHECK(plan.unchanged());
    CHECK(plan.to_string() ==
          "plan for project \"demo\":\n"
          "  keep      demo-db-1  (running)\n"
          "  keep      demo-job-1  (completed (exit 0))\n"
          "  keep      demo-api-1  (running)\n"
          "  keep      demo-web-1  (running)\n");
}

TEST_CASE("reconcile: a changed service is recreated with its restart-true dependants only") {
    auto p = demo();
    auto observed = all_up(p);
    p.services[1].command->argv = {"sh", "-c", "sleep 2000"};  // db changed
    CHECK(run(p, {}, observed) ==
          "plan for project \"demo\":\n"
          "  recreate  demo-db-1  (config changed)\n"
          "  keep      demo-job-1  (completed (exit 0))\n"
          "  recreate  demo-api-1  (dependency db recreated)\n"
          "  keep      demo-web-1  (running)\n");
}

TEST_CASE("reconcile: a changed job is run again, stopped and dead containers are started") {
    auto p = demo();
    auto observed = all_up(p);
    p.services[2].command->argv = {"sh", "-c", "echo migrated twice"};  // job changed
    observed.state->find("demo-db-1")->status = "exited";
    observed.state->find("demo-db-1")->exit_code = 137;
    observed.alive.erase("demo-db-1");
    observed.alive.erase("demo-web-1");  // recorded running, but its process is gone
    CHECK(run(p, {}, observed) ==
          "plan for project \"demo\":\n"
          "  start     demo-db-1  (exited (137))\n"
          "  recreate  demo-job-1  (config changed)\n"
          "  keep      demo-api-1  (running)\n"
          "  start     demo-web-1  (process gone)\n");
}

TEST_CASE("reconcile: a manually stopped exit-0 service is started, not kept as a job") {
    auto p = demo();
    auto observed = all_up(p);
    auto* web = observed.state->find("demo-web-1");
    web->status = "exited";
    web->exit_code = 0;
    web->manually_stopped = true;
    observed.alive.erase("demo-web-1");
    auto plan = plan::reconcile(p, graph::build_project_graph(p), {}, observed);
    REQUIRE(plan.for_service("web").size() == 1);
    CHECK(plan.for_service("web")[0]->kind == plan::ActionKind::Start);
}

TEST_CASE("reconcile: an exited-0 service with restart always is started again") {
    auto p = demo();
    p.services[2].restart = "always";  // job
    auto observed = all_up(p);
    auto plan = plan::reconcile(p, graph::build_project_graph(p), {}, observed);
    CHECK(plan.for_service("job")[0]->kind == plan::ActionKind::Start);
}

TEST_CASE("reconcile: --force-recreate and --no-recreate") {
    auto p = demo();
    auto observed = all_up(p);
    plan::UpOptions force;
    force.force_recreate = true;
    CHECK(run(p, force, observed) ==
          "plan for project \"demo\":\n"
          "  recreate  demo-db-1  (--force-recreate)\n"
          "  recreate  demo-job-1  (--force-recreate)\n"
          "  recreate  demo-api-1  (--force-recreate)\n"
          "  recreate  demo-web-1  (--force-recreate)\n");

    p.services[1].command->argv = {"sh", "-c", "sleep 2000"};  // db changed
    observed.alive.erase("demo-web-1");
    observed.state->find("demo-web-1")->status = "exited";
    observed.state->find("demo-web-1")->exit_code = 1;
    p.services[3].command->argv = {"sh", "-c", "sleep 3000"};  // web changed too
    plan::UpOptions keep;
    keep.no_recreate = true;
    CHECK(run(p, keep, observed) ==
          "plan for project \"demo\":\n"
          "  keep      demo-db-1  (running, --no-recreate)\n"
          "  keep      demo-job-1  (completed (exit 0))\n"
          "  keep      demo-api-1  (running)\n"
          "  start     demo-web-1  (exited (1), --no-recreate)\n");
}

TEST_CASE("reconcile: named services bring their dependencies, unless --no-deps") {
    auto p = demo();
    plan::UpOptions api;
    api.services = {"api"};
    CHECK(run(p, api, {}) ==
          "plan for project \"demo\":\n"
          "  create    demo-db-1  (new)\n"
          "  create    demo-job-1  (new)\n"
          "  create    demo-api-1  (new)\n");
    api.no_deps = true;
    auto plan = plan::reconcile(p, graph::build_project_graph(p), api, {});
    CHECK(plan.to_string() ==
          "plan for project \"demo\":\n"
          "  create    demo-api-1  (new)\n");
    CHECK(plan.graph.nodes() == std::vector<std::string>{"api"});
}

TEST_CASE("reconcile: --no-start creates without starting and leaves stopped ones stopped") {
    auto p = demo();
    auto observed = all_up(p);
    observed.state->containers.pop_back();  // web never created
    observed.state->find("demo-db-1")->status = "exited";
    observed.state->find("demo-db-1")->exit_code = 2;
    observed.alive.erase("demo-db-1");
    plan::UpOptions options;
    options.no_start = true;
    auto plan = plan::reconcile(p, graph::build_project_graph(p), options, observed);
    CHECK(plan.to_string() ==
          "plan for project \"demo\":\n"
          "  keep      demo-db-1  (exited (2), --no-start)\n"
          "  keep      demo-job-1  (completed (exit 0))\n"
          "  keep      demo-api-1  (running)\n"
          "  create    demo-web-1  (new, not started)\n");
    CHECK_FALSE(plan.for_service("web")[0]->start);
}

TEST_CASE("reconcile: orphans are a warning, or removed with --remove-orphans") {
    auto p = demo();
    auto observed = all_up(p);
    auto old = record(p, "db", 1, "running");
    old.service = "cache";
    old.name = "demo-cache-1";
    old.config_hash = "feed";
    observed.state->containers.push_back(old);
    observed.alive.insert("demo-cache-1");
    auto plan = plan::reconcile(p, graph::build_project_graph(p), {}, observed);
    CHECK(plan.unchanged());
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0] ==
          "orphan containers: demo-cache-1 (use --remove-orphans to remove them)");
    CHECK(plan.to_string().find("warning: orphan containers: demo-cache-1") != std::string::npos);

    plan::UpOptions remove;
    remove.remove_orphans = true;
    plan = plan::reconcile(p, graph::build_project_graph(p), remove, observed);
    CHECK(plan.warnings.empty());
    CHECK(plan.actions.back().kind == plan::ActionKind::Remove);
    CHECK(plan.to_string().find("  remove    demo-cache-1  (orphan)\n") != std::string::npos);
}

TEST_CASE("reconcile: scale up and down through --scale, scale and deploy.replicas") {
    auto p = demo();
    p.services[3].scale = 3;  // web
    auto observed = all_up(p);
    auto plan_text = run(p, {}, observed);
    CHECK(plan_text.find("  keep      demo-web-1  (running)\n"
                         "  create    demo-web-2  (new)\n"
                         "  create    demo-web-3  (new)\n") != std::string::npos);

    model::Deploy deploy;
    deploy.replicas = 2;
    p.services[0].deploy = deploy;  // api
    plan::UpOptions options;
    options.scale["web"] = 1;
    observed.state->containers.push_back(record(p, "web", 2, "running"));
    observed.state->containers.push_back(record(p, "web", 3, "running"));
    CHECK(run(p, options, observed) ==
          "plan for project \"demo\":\n"
          "  keep      demo-db-1  (running)\n"
          "  keep      demo-job-1  (completed (exit 0))\n"
          "  keep      demo-api-1  (running)\n"
          "  create    demo-api-2  (new)\n"
          "  keep      demo-web-1  (running)\n"
          "  remove    demo-web-2  (scale down to 1)\n"
          "  remove    demo-web-3  (scale down to 1)\n");
}

TEST_CASE("reconcile: container_name is the name, and cannot be scaled") {
    auto p = demo();
    p.services[3].container_name = "frontend";
    auto plan = plan::reconcile(p, graph::build_project_graph(p), {}, {});
    CHECK(plan.for_service("web")[0]->container == "frontend");
    plan::UpOptions options;
    options.scale["web"] = 2;
    CHECK_THROWS_WITH(plan::reconcile(p, graph::build_project_graph(p), options, {}),
                      Catch::Contains("container_name \"frontend\" cannot be scaled"));
}

TEST_CASE("reconcile: unknown services and bad scales are errors naming them") {
    auto p = demo();
    plan::UpOptions named;
    named.services = {"nope"};
    CHECK_THROWS_WITH(plan::reconcile(p, graph::build_project_graph(p), named, {}),
                      "no such service: \"nope\"");
    plan::UpOptions scale;
    scale.scale["web"] = -1;
    CHECK_THROWS_WITH(plan::reconcile(p, graph::build_project_graph(p), scale, {}),
                      Catch::Contains("must not be negative"));
}

TEST_CASE("reconcile: the services not selected are left out of the plan") {
    auto p = demo();
    auto observed = all_up(p);
    p.services[3].command->argv = {"sh", "-c", "sleep 3000"};  // web changed but not named
    plan::UpOptions options;
    options.services = {"db"};
    CHECK(run(p, options, observed) ==
          "plan for project \"demo\":\n"
          "  keep      demo-db-1  (running)\n");
}
