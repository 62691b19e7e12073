#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>

#include "orchestrator/load/discovery.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

TEST_CASE("discovery: walks up from the working dir and adds the override file") {
    TempDir dir;
    dir.write("compose.yaml", "services:\n  web:\n    image: base\n");
    dir.write("compose.override.yaml", "services:\n  web:\n    image: over\n");
    dir.write("docker-compose.override.yml", "services:\n  web:\n    image: ignored\n");
    std::filesystem::create_directories(dir.path() / "a/b/c");
    auto opts = dir.options();
    opts.working_dir = dir.path() / "a/b/c";
    Diagnostics diags;
    auto t = resolve_tree(opts, diags);
    REQUIRE(t.files.size() == 2);
    CHECK(t.files[0] == dir.path() / "compose.yaml");
    CHECK(t.files[1] == dir.path() / "compose.override.yaml");
    CHECK(t.project_dir == dir.path());
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "over");
    bool warned = false;
    for (const auto& w : diags.warnings())
        warned = warned || w.message.find("multiple override files") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("discovery: file name preference and a warning when several exist") {
    TempDir dir;
    dir.write("docker-compose.yml", "services: {}\n");
    dir.write("compose.yml", "services: {}\n");
    Diagnostics diags;
    auto files = find_stack_files(dir.path(), diags);
    REQUIRE(files.size() == 1);
    CHECK(files[0] == dir.path() / "compose.yml");
    REQUIRE(diags.warnings().size() == 1);
    CHECK_THAT(diags.warnings()[0].message, Catch::Contains("multiple config files"));
}

TEST_CASE("discovery: nothing found is an error") {
    TempDir dir;
    Diagnostics diags;
    REQUIRE(find_stack_files(dir.path().parent_path(), diags).empty());  // no stray compose.yaml
    CHECK(find_stack_files(dir.path(), diags).empty());
    CHECK_THAT(load_error([&] { resolve_tree(dir.options(), diags); }),
               Catch::Contains("no configuration file provided: not found"));
}

TEST_CASE("discovery: COMPOSE_FILE with the path separator, relative to the working dir") {
    TempDir dir;
    dir.write("one.yaml", "services:\n  a: {image: one}\n");
    dir.write("two.yaml", "services:\n  a: {image: two}\n  b: {image: b}\n");
    dir.write("compose.yaml", "services:\n  ignored: {image: x}\n");
    auto opts = dir.options();
    opts.shell_env = {{"COMPOSE_FILE", "one.yaml:two.yaml"}};
    Diagnostics diags;
    auto t = resolve_tree(opts, diags);
    CHECK(t.files == std::vector<std::filesystem::path>{dir.path() / "one.yaml",
                                                        dir.path() / "two.yaml"});
    CHECK(scalar_at(t.root, {"services", "a", "image"}) == "two");
    CHECK_FALSE(node_at(t.root, {"services", "ignored"}));

    opts.shell_env = {{"COMPOSE_FILE", "two.yaml;one.yaml"}, {"COMPOSE_PATH_SEPARATOR", ";"}};
    t = resolve_tree(opts, diags);
    CHECK(scalar_at(t.root, {"services", "a", "image"}) == "one");

    // COMPOSE_FILE may come from the working dir's .env.
    dir.write(".env", "COMPOSE_FILE=one.yaml\n");
    opts.shell_env = {};
    t = resolve_tree(opts, diags);
    CHECK(t.files == std::vector<std::filesystem::path>{dir.path() / "one.yaml"});
}

TEST_CASE("discovery: project name normalisation and validation") {
    CHECK(normalize_project_name("My_Project.App-1") == "my_projectapp-1");
    CHECK(normalize_project_name("__-x") == "x");
    CHECK(normalize_project_name("...") == "");
    CHECK(is_valid_project_name("app_1-x"));
    CHECK_FALSE(is_valid_project_name("App"));
    CHECK_FALSE(is_valid_project_name("_app"));
    CHECK_FALSE(is_valid_project_name(""));
}

TEST_CASE("discovery: project name precedence -p > COMPOSE_PROJECT_NAME > name: > dir") {
    TempDir dir;
    dir.write("My.Dir/compose.yaml", "services:\n  web: {image: w}\n");
    auto opts = dir.options({"My.Dir/compose.yaml"});
    Diagnostics diags;
    CHECK(resolve_tree(opts, diags).project_name == "mydir");

    dir.write("My.Dir/compose.yaml",
              "name: ${PREFIX:-Top}_Name\nservices:\n  web: {image: $COMPOSE_PROJECT_NAME}\n");
    auto t = resolve_tree(opts, diags);
    CHECK(t.project_name == "top_name");
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "top_name");

    opts.shell_env = {{"COMPOSE_PROJECT_NAME", "fromenv"}};
    CHECK(resolve_tree(opts, diags).project_name == "fromenv");

    opts.project_name = "cli";
    CHECK(resolve_tree(opts, diags).project_name == "cli");

    opts.project_name = "Bad.Name";
    CHECK_THAT(load_error([&] { resolve_tree(opts, diags); }),
               Catch::Contains("invalid project name \"Bad.Name\""));
}

TEST_CASE("discovery: -f - reads the stack file from standard input") {
    TempDir dir;
    auto in = dir.write("stdin.yaml", "services:\n  piped: {image: p}\n");
    // Swap std::cin's buffer for the file's for the duration of the load.
    std::ifstream file(in);
    auto* saved = std::cin.rdbuf(file.rdbuf());
    Diagnostics diags;
    std::string err;
    ResolvedTree t;
    try {
        t = resolve_tree(dir.options({"-"}), diags);
    } catch (const LoadError& e) {
        err = e.what();
    }
    std::cin.rdbuf(saved);
    REQUIRE(err.empty());
    CHECK(scalar_at(t.root, {"services", "piped", "image"}) == "p");
    CHECK(t.project_dir == dir.path());
}
