// develop.watch rules: target paths, ignore/include patterns, actions per service.
#include "orchestrator/watch/develop_rules.hpp"

#include <catch2/catch.hpp>

using namespace stk::watch;
namespace fs = std::filesystem;

namespace {

DevelopRule rule(DevelopAction a, std::vector<std::string> ignore = {},
                 std::vector<std::string> include = {}) {
    DevelopRule r;
    r.service = "web";
    r.action = a;
    r.path = "/p/src";
    r.target = "/app/";
    r.ignore = std::move(ignore);
    r.include = std::move(include);
    return r;
}

}  // namespace

TEST_CASE("develop rules: paths under `path` map under `target` - others are not taken") {
    auto r = rule(DevelopAction::Sync);
    CHECK(sync_target(r, "/p/src/index.js") == "/app/index.js");
    CHECK(sync_target(r, "/p/src/lib/a/b.js") == "/app/lib/a/b.js");
    CHECK(sync_target(r, "/p/src") == "/app");
    CHECK_FALSE(sync_target(r, "/p/srcx/index.js"));
    CHECK_FALSE(sync_target(r, "/p/compose.yaml"));
    r.path = "/p/config.json";  // a single file
    r.target = "/etc/app.json";
    CHECK(sync_target(r, "/p/config.json") == "/etc/app.json");
}

TEST_CASE("develop rules: .dockerignore patterns, negation, include, editor temporaries") {
    CHECK(ignored_by({"node_modules/"}, "node_modules/x/y.js"));
    CHECK(ignored_by({"*.log"}, "a.log"));
    CHECK_FALSE(ignored_by({"*.log"}, "sub/a.log"));  // anchored at `path`, as docker does
    CHECK(ignored_by({"**/*.log"}, "sub/deep/a.log"));
    CHECK(ignored_by({"**/*.log"}, "a.log"));
    CHECK(ignored_by({"*.log", "!keep.log"}, "drop.log"));
    CHECK_FALSE(ignored_by({"*.log", "!keep.log"}, "keep.log"));
    CHECK_FALSE(ignored_by({}, "x"));

    auto r = rule(DevelopAction::Sync, {"tmp"}, {"*.js", "lib"});
    CHECK(sync_target(r, "/p/src/a.js"));
    CHECK(sync_target(r, "/p/src/lib/b.txt"));
    CHECK_FALSE(sync_target(r, "/p/src/a.txt"));     // not included
    CHECK_FALSE(sync_target(r, "/p/src/tmp/a.js"));  // ignored
    auto plain = rule(DevelopAction::Sync);
    CHECK_FALSE(sync_target(plain, "/p/src/.index.js.swp"));
    CHECK_FALSE(sync_target(plain, "/p/src/index.js~"));
    CHECK_FALSE(sync_target(plain, "/p/src/.git/HEAD"));
}

TEST_CASE("develop rules: actions per service from a batch of changes") {
    std::vector<DevelopRule> rules{rule(DevelopAction::SyncRestart), rule(DevelopAction::Restart)};
    rules[1].service = "worker";
    rules[1].path = "/p/worker";
    DevelopRule api = rule(DevelopAction::Rebuild);
    api.service = "api";
    api.path = "/p/api";
    rules.push_back(api);
    auto work = plan_develop(
        rules, {"/p/src/a.js", "/p/src/gone.js", "/p/worker/w.py", "/p/unrelated.txt"});
    REQUIRE(work.size() == 2);
    CHECK(work["web"].sync.size() == 2);
    CHECK(work["web"].sync[0].target == "/app/a.js");
    CHECK(work["web"].restart);
    CHECK(work["worker"].sync.empty());
    CHECK(work["worker"].restart);
    CHECK(plan_develop(rules, {"/p/api/main.go"})["api"].rebuild);
    CHECK(plan_develop(rules, {"/p/elsewhere"}).empty());
}

TEST_CASE("develop rules: read from the model, paths against the project directory") {
    stk::model::Project p;
    p.working_dir = "/proj";
    stk::model::Service s;
    s.name = "web";
    s.develop = stk::model::Develop{};
    s.develop->watch.push_back({"./src/", "sync+restart", "/app", {"*.tmp"}, {}, true, {}});
    s.develop->watch.push_back({"/abs/cfg", "restart", "", {}, {}, false, {}});
    p.services.push_back(s);
    auto rules = develop_rules(p);
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].path == fs::path("/proj/src"));
    CHECK(rules[0].action == DevelopAction::SyncRestart);
    CHECK(rules[0].initial_sync);
    CHECK(rules[1].path == fs::path("/abs/cfg"));
    CHECK(parse_develop_action("sync+exec") == DevelopAction::SyncExec);
    CHECK_FALSE(parse_develop_action("copy"));
}
