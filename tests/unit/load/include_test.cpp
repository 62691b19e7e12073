#include <catch2/catch.hpp>

#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

TEST_CASE("include: own project dir, own .env, paths made absolute, resources copied") {
    TempDir dir;
    dir.write("sub/.env", "DB_IMAGE=postgres:16\nTAG=from-sub-env\n");
    dir.write("sub/db.yaml",
              "services:\n  db:\n    image: ${DB_IMAGE}\n    build: ./ctx\n"
              "    labels: {tag: $TAG}\n"
              "volumes:\n  data: {}\nsecrets:\n  pw: {file: ./pw.txt}\n");
    dir.write("compose.yaml",
              "include:\n  - sub/db.yaml\nservices:\n  web:\n    image: w\n"
              "    depends_on: [db]\n");
    Diagnostics diags;
    auto opts = dir.options();
    opts.shell_env = {{"TAG", "from-shell"}};
    auto t = resolve_tree(opts, diags);
    std::string sub = (dir.path() / "sub").string();
    CHECK(scalar_at(t.root, {"services", "db", "image"}) == "postgres:16");
    CHECK(scalar_at(t.root, {"services", "db", "labels", "tag"}) == "from-shell");
    CHECK(scalar_at(t.root, {"services", "db", "build"}) == sub + "/ctx");
    CHECK(scalar_at(t.root, {"secrets", "pw", "file"}) == sub + "/pw.txt");
    CHECK(node_at(t.root, {"volumes", "data"}) != nullptr);
    CHECK(t.root.find("include") == nullptr);
    // The included .env feeds only the included file.
    CHECK(t.environment.count("DB_IMAGE") == 0);
    CHECK(std::find(t.watched.begin(), t.watched.end(), dir.path() / "sub/.env") !=
          t.watched.end());
}

TEST_CASE("include: long form with project_directory and env_file") {
    TempDir dir;
    dir.write("x/inc.yaml", "services:\n  api:\n    image: ${IMG}\n    env_file: api.env\n");
    dir.write("custom.env", "IMG=api:1\n");
    dir.write("compose.yaml",
              "include:\n  - path: [x/inc.yaml]\n    project_directory: proj\n"
              "    env_file: custom.env\n");
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    CHECK(scalar_at(t.root, {"services", "api", "image"}) == "api:1");
    CHECK(scalar_at(t.root, {"services", "api", "env_file"}) ==
          (dir.path() / "proj/api.env").string());
}

TEST_CASE("include: a name defined on both sides is an error naming both files") {
    TempDir dir;
    dir.write("inc.yaml", "services:\n  web:\n    image: other\n");
    dir.write("compose.yaml", "include: [inc.yaml]\nservices:\n  web:\n    image: mine\n");
    Diagnostics diags;
    std::string err = load_error([&] { resolve_tree(dir.options(), diags); });
    CHECK_THAT(err, Catch::Contains("services.web") &&
                        Catch::Contains((dir.path() / "compose.yaml").string()) &&
                        Catch::Contains((dir.path() / "inc.yaml").string()));
}

TEST_CASE("include: recursive includes work and cycles are rejected") {
    TempDir dir;
    dir.write("a.yaml", "include: [b.yaml]\nservices:\n  a: {image: a}\n");
    dir.write("b.yaml", "services:\n  b: {image: b}\n");
    dir.write("compose.yaml", "include: [a.yaml]\nservices:\n  top: {image: t}\n");
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    CHECK(scalar_at(t.root, {"services", "b", "image"}) == "b");
    CHECK(scalar_at(t.root, {"services", "a", "image"}) == "a");

    dir.write("b.yaml", "include: [compose.yaml]\nservices:\n  b: {image: b}\n");
    CHECK_THAT(load_error([&] { resolve_tree(dir.options(), diags); }),
               Catch::Contains("include cycle"));
}
