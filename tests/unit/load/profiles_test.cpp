#include <catch2/catch.hpp>

#include "orchestrator/load/profiles.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

namespace {
const char* kStack =
    "services:\n"
    "  web:\n    image: w\n"
    "  db:\n    image: pg\n    profiles: [debug, db]\n"
    "  tool:\n    image: t\n    profiles: [tools]\n";
}

TEST_CASE("profiles: services without profiles always active, others only when enabled") {
    TempDir dir;
    dir.write("compose.yaml", kStack);
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    CHECK(node_at(t.root, {"services", "web"}));
    CHECK_FALSE(node_at(t.root, {"services", "db"}));
    CHECK_FALSE(node_at(t.root, {"services", "tool"}));
    CHECK(t.all_profiles == std::vector<std::string>{"db", "debug", "tools"});
    CHECK(t.active_profiles.empty());

    auto opts = dir.options();
    opts.profiles = {"db"};
    opts.shell_env = {{"COMPOSE_PROFILES", "tools, x"}};
    t = resolve_tree(opts, diags);
    CHECK(node_at(t.root, {"services", "db"}));
    CHECK(node_at(t.root, {"services", "tool"}));
    CHECK(t.active_profiles == std::vector<std::string>{"db", "tools", "x"});
}

TEST_CASE("profiles: * enables every profile") {
    TempDir dir;
    dir.write("compose.yaml", kStack);
    Diagnostics diags;
    auto opts = dir.options();
    opts.profiles = {"*"};
    auto t = resolve_tree(opts, diags);
    CHECK(t.root.find("services")->entries.size() == 3);
}

TEST_CASE("profiles: an active service depending on a disabled one is an error") {
    TempDir dir;
    dir.write("compose.yaml",
              "services:\n  web:\n    image: w\n    depends_on: [db]\n"
              "  db:\n    image: pg\n    profiles: [debug]\n");
    Diagnostics diags;
    std::string err = load_error([&] { resolve_tree(dir.options(), diags); });
    CHECK_THAT(err, Catch::Contains("compose.yaml:4:18") &&
                        Catch::Contains("service \"web\" depends on service \"db\" which is "
                                        "disabled by profiles (enable one of its profiles: "
                                        "debug)"));
    for (const char* dep : {"depends_on: {db: {condition: service_healthy}}",
                            "network_mode: service:db", "volumes_from: ['db:ro']",
                            "links: ['db:database']", "ipc: 'service:db'"}) {
        dir.write("compose.yaml", std::string("services:\n  web:\n    image: w\n    ") + dep +
                                      "\n  db:\n    image: pg\n    profiles: [debug]\n");
        INFO(dep);
        CHECK_THAT(load_error([&] { resolve_tree(dir.options(), diags); }),
                   Catch::Contains("disabled by profiles"));
    }
    // An optional dependency does not count.
    dir.write("compose.yaml",
              "services:\n  web:\n    image: w\n    depends_on: {db: {condition: "
              "service_started, required: false}}\n  db:\n    image: pg\n    profiles: [x]\n");
    CHECK(load_error([&] { resolve_tree(dir.options(), diags); }).empty());
}

TEST_CASE("profiles: enabled_profiles splits COMPOSE_PROFILES") {
    CHECK(enabled_profiles({"a"}, "b,,a , c") == std::vector<std::string>{"a", "b", "c"});
    CHECK(enabled_profiles({}, "").empty());
}
