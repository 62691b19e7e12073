// Which images `up` and `stack pull` fetch: pull_policy, --pull, build sections, x-stack.rootfs,
// selected services and their dependencies.
#include <catch2/catch.hpp>

#include <set>

#include "orchestrator/engine/image_pull.hpp"
#include "orchestrator/graph/project_graph.hpp"

using namespace stk;
using engine::PullPolicy;

namespace {

model::Service service(const std::string& name, const std::string& image,
                       const std::string& policy = "") {
    model::Service s;
    s.name = name;
    s.image = image;
    s.pull_policy = policy;
    return s;
}

std::vector<std::string> names(const std::vector<engine::PullItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.reference.to_string());
    return out;
}

std::vector<const model::Service*> pointers(const std::vector<model::Service>& v) {
    std::vector<const model::Service*> out;
    for (const auto& s : v) out.push_back(&s);
    return out;
}

}  // namespace

TEST_CASE("up pulls by pull_policy: always, missing when absent, never, build") {
    std::vector<model::Service> svcs{service("a", "reg.example/a:1", "always"),
                                     service("b", "reg.example/b:1"),
                                     service("c", "reg.example/c:1", "missing"),
                                     service("d", "reg.example/d:1", "never"),
                                     service("e", "reg.example/e:1", "build"),
                                     service("f", "reg.example/f:1", "if_not_present")};
    std::set<std::string> present{"reg.example/a:1", "reg.example/c:1"};
    auto is_present = [&](const image::Reference& r) { return present.count(r.to_string()) > 0; };
    auto items = engine::plan_up_pulls(pointers(svcs), std::nullopt, is_present);
    CHECK(names(items) == std::vector<std::string>{"reg.example/a:1", "reg.example/b:1", "reg.example/f:1"});
    CHECK(names(engine::plan_up_pulls(pointers(svcs), PullPolicy::Never, is_present)).empty());
    CHECK(engine::plan_up_pulls(pointers(svcs), PullPolicy::Always, is_present).size() == 6);
}

TEST_CASE("up leaves a missing image with a build section to the builder") {
    std::vector<model::Service> svcs{service("web", "reg.example/web:1")};
    svcs[0].build = model::Build{};
    auto absent = [](const image::Reference&) { return false; };
    CHECK(engine::plan_up_pulls(pointers(svcs), std::nullopt, absent).empty());
    CHECK(engine::plan_up_pulls(pointers(svcs), PullPolicy::Always, absent).size() == 1);
}

TEST_CASE("services sharing an image pull it once, names are normalised") {
    std::vector<model::Service> svcs{service("a", "busybox"), service("b", "docker.io/library/busybox:latest")};
    auto absent = [](const image::Reference&) { return false; };
    auto items = engine::plan_pull_command(pointers(svcs), false, absent);
    REQUIRE(items.size() == 1);
    CHECK(items[0].reference.to_string() == "docker.io/library/busybox:latest");
    CHECK(items[0].services == std::vector<std::string>{"a", "b"});
    auto present = [](const image::Reference&) { return true; };
    CHECK(engine::plan_pull_command(pointers(svcs), true, present).empty());
    CHECK(engine::plan_pull_command(pointers(svcs), false, present).size() == 1);
}

TEST_CASE("a bad pull_policy or image name is an error naming the service") {
    std::vector<model::Service> bad_policy{service("web", "x:1", "sometimes")};
    auto absent = [](const image::Reference&) { return false; };
    CHECK_THROWS_WITH(engine::plan_up_pulls(pointers(bad_policy), std::nullopt, absent),
                      Catch::Contains("service \"web\"") && Catch::Contains("pull_policy \"sometimes\""));
    std::vector<model::Service> bad_image{service("api", "app@sha256:not-a-digest")};
    CHECK_THROWS_WITH(engine::plan_pull_command(pointers(bad_image), false, absent),
                      Catch::Contains("service \"api\": image"));
}

TEST_CASE("the services of up: selected ones with their dependencies, rootfs services skipped") {
    model::Project p;
    p.name = "demo";
    p.working_dir = "/tmp";
    p.services = {service("api", "reg.example/api:1"), service("db", "reg.example/db:1"),
                  service("host", "reg.example/host:1"), service("other", "reg.example/other:1"),
                  service("plain", "")};
    p.services[0].depends_on["db"] = model::DependsOn{};
    p.services[2].extensions["x-stack"] = nlohmann::json{{"rootfs", "host"}};
    auto graph = graph::build_project_graph(p);
    auto pick = [&](std::vector<std::string> sel, bool no_deps) {
        std::vector<std::string> out;
        for (const auto* s : engine::image_services(p, graph, sel, no_deps)) out.push_back(s->name);
        return out;
    };
    CHECK(pick({}, false) == std::vector<std::string>{"api", "db", "other"});
    CHECK(pick({"api"}, false) == std::vector<std::string>{"api", "db"});
    CHECK(pick({"api"}, true) == std::vector<std::string>{"api"});
    CHECK_THROWS_WITH(pick({"nope"}, true), Catch::Contains("no such service"));
}
