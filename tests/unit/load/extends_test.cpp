#include <catch2/catch.hpp>

#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

TEST_CASE("extends: same file, string and mapping forms, recursive") {
    TempDir dir;
    dir.write("compose.yaml",
              "services:\n"
              "  base:\n    image: a\n    environment: {A: '1'}\n    command: [x]\n"
              "  mid:\n    extends: base\n    environment: {B: '2'}\n"
              "  web:\n    extends: {service: mid}\n    command: [y]\n");
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    const Node* web = node_at(t.root, {"services", "web"});
    REQUIRE(web);
    CHECK(web->find("extends") == nullptr);
    CHECK(scalar_at(*web, {"image"}) == "a");
    CHECK(scalar_at(*web, {"environment", "A"}) == "1");
    CHECK(scalar_at(*web, {"environment", "B"}) == "2");
    CHECK(scalars(web->find("command")) == std::vector<std::string>{"y"});
    CHECK(node_at(t.root, {"services", "mid"})->find("extends") == nullptr);
}

TEST_CASE("extends: other file with relative paths rebased to that file's dir") {
    TempDir dir;
    dir.write("common/base.yaml",
              "services:\n  tmpl:\n    build: ./app\n    env_file: [vars.env, {path: x.env}]\n"
              "    volumes: ['./data:/data', 'named:/n', {type: bind, source: ./src, target: /s}]\n"
              "  other:\n    extends: tmpl\n    image: o\n");
    dir.write("compose.yaml",
              "services:\n  web:\n    extends: {file: common/base.yaml, service: other}\n"
              "    environment: [A=1]\n");
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    const Node& web = *node_at(t.root, {"services", "web"});
    std::string common = (dir.path() / "common").string();
    CHECK(scalar_at(web, {"build"}) == common + "/app");
    CHECK(scalar_at(web, {"image"}) == "o");
    CHECK(web.find("env_file")->items[0].scalar == common + "/vars.env");
    CHECK(scalar_at(web.find("env_file")->items[1], {"path"}) == common + "/x.env");
    const Node* vols = web.find("volumes");
    CHECK(vols->items[0].scalar == common + "/data:/data");
    CHECK(vols->items[1].scalar == "named:/n");
    CHECK(scalar_at(vols->items[2], {"source"}) == common + "/src");
    CHECK(std::find(t.watched.begin(), t.watched.end(), dir.path() / "common/base.yaml") !=
          t.watched.end());
    CHECK(node_at(t.root, {"services", "tmpl"}) == nullptr);  // not imported
}

TEST_CASE("extends: cycles are rejected with the chain") {
    TempDir dir;
    dir.write("compose.yaml",
              "services:\n  a:\n    extends: b\n  b:\n    extends: {service: c}\n"
              "  c:\n    extends: a\n");
    Diagnostics diags;
    CHECK_THAT(load_error([&] { resolve_tree(dir.options(), diags); }),
               Catch::Contains("extends cycle: a -> b -> c -> a"));
}

TEST_CASE("extends: unknown service or file is an error at the extends location") {
    TempDir dir;
    dir.write("compose.yaml", "services:\n  web:\n    extends: nope\n");
    Diagnostics diags;
    std::string err = load_error([&] { resolve_tree(dir.options(), diags); });
    CHECK_THAT(err, Catch::Contains("compose.yaml:3:14") &&
                        Catch::Contains("service \"nope\" not found"));
    dir.write("compose.yaml",
              "services:\n  web:\n    extends:\n      service: x\n      file: missing.yaml\n");
    err = load_error([&] { resolve_tree(dir.options(), diags); });
    CHECK_THAT(err, Catch::Contains("compose.yaml:5:13") && Catch::Contains("missing.yaml"));
}
