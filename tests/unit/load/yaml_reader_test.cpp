#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "orchestrator/load/resolve.hpp"
#include "orchestrator/load/yaml_reader.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using stk::load::testing::load_error;
using stk::load::testing::scalar_at;

TEST_CASE("yaml: locations, quoted flag and tags") {
    Node root = parse_yaml(
        "services:\n  web:\n    image: nginx\n    tty: \"true\"\n    ports: !reset []\n"
        "    cmd: !override [a]\n",
        "f.yaml");
    const Node* web = root.find("services")->find("web");
    REQUIRE(web);
    CHECK(web->find("image")->loc.to_string() == "f.yaml:3:12");
    CHECK(web->find_entry("image")->key_loc.to_string() == "f.yaml:3:5");
    CHECK_FALSE(web->find("image")->quoted);
    CHECK(web->find("tty")->quoted);
    CHECK(web->find("ports")->tag == "!reset");
    CHECK(web->find("cmd")->tag == "!override");
    CHECK(web->find("image")->tag.empty());
}

TEST_CASE("yaml: null values") {
    Node root = parse_yaml("a:\nb: ~\nc: null\nd: 'null'\n", "f.yaml");
    CHECK(root.find("a")->is_null());
    CHECK(root.find("b")->is_null());
    CHECK(root.find("c")->is_null());
    CHECK(root.find("d")->is_scalar());
}

TEST_CASE("yaml: anchors, aliases and << merge keys") {
    Node root = parse_yaml(
        "x-common: &common\n  image: base\n  restart: always\n"
        "x-more: &more\n  restart: never\n  tty: true\n"
        "services:\n"
        "  a:\n    <<: *common\n    image: mine\n"
        "  b:\n    <<: [*more, *common]\n"
        "  c:\n    environment: *common\n",
        "f.yaml");
    CHECK(scalar_at(root, {"services", "a", "image"}) == "mine");
    CHECK(scalar_at(root, {"services", "a", "restart"}) == "always");
    CHECK(scalar_at(root, {"services", "b", "restart"}) == "never");
    CHECK(scalar_at(root, {"services", "b", "image"}) == "base");
    CHECK(scalar_at(root, {"services", "b", "tty"}) == "true");
    CHECK(scalar_at(root, {"services", "c", "environment", "image"}) == "base");
    CHECK(root.find("services")->find("a")->find("<<") == nullptr);
    CHECK_THAT(load_error([] { parse_yaml("a:\n  <<: 3\n", "f.yaml"); }),
               Catch::Contains("f.yaml:2:7") && Catch::Contains("merge key"));
}

TEST_CASE("yaml: duplicate keys name both locations") {
    CHECK(load_error([] { parse_yaml("services:\n  web: {}\n  web: {}\n", "f.yaml"); }) ==
          "f.yaml:3:3: duplicate key \"web\" (first defined at f.yaml:2:3)");
}

TEST_CASE("yaml: non-scalar keys are rejected") {
    CHECK_THAT(load_error([] { parse_yaml("? [a, b]\n: 1\n", "f.yaml"); }),
               Catch::Contains("mapping key must be a string"));
}

TEST_CASE("yaml: syntax errors are file:line:col") {
    CHECK_THAT(load_error([] { parse_yaml("services:\n  web: [a, b\n", "bad.yaml"); }),
               Catch::StartsWith("bad.yaml:") && Catch::Contains("YAML syntax error"));
    CHECK_THAT(load_error([] { parse_yaml("a: b\n c: d\n", "bad.yaml"); }),
               Catch::StartsWith("bad.yaml:2:"));
}

TEST_CASE("yaml: empty file and non-mapping top level") {
    CHECK(load_error([] { parse_yaml("", "e.yaml"); }) == "e.yaml:1:1: empty stack file");
    CHECK(load_error([] { parse_yaml("# only a comment\n", "e.yaml"); }) ==
          "e.yaml:1:1: empty stack file");
    CHECK_THAT(load_error([] { parse_yaml("- a\n- b\n", "e.yaml"); }),
               Catch::Contains("top level must be a mapping"));
}

TEST_CASE("yaml: several documents are successive overlays") {
    Node root = parse_yaml(
        "services:\n  web:\n    image: a\n    ports: ['80:80']\n"
        "---\nservices:\n  web:\n    image: b\n    ports: ['81:81']\n  db:\n    image: pg\n",
        "m.yaml");
    CHECK(scalar_at(root, {"services", "web", "image"}) == "b");
    CHECK(root.find("services")->find("web")->find("ports")->items.size() == 2);
    CHECK(scalar_at(root, {"services", "db", "image"}) == "pg");
}

TEST_CASE("yaml: alias bombs and self-references are rejected, not expanded") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; ++c) {
        bomb += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", " : "") + "*" + prev;
        bomb += "]\n";
        prev = c;
    }
    CHECK_THAT(load_error([&] { parse_yaml(bomb, "bomb.yaml"); }), Catch::Contains("alias"));
    std::string deep(5000, '[');
    CHECK_FALSE(load_error([&] { parse_yaml("a: " + deep, "deep.yaml"); }).empty());
}

TEST_CASE("yaml: every file of the conformance folder parses") {
    namespace fs = std::filesystem;
    fs::path root = fs::path(STACK_SHARED_DIR) / "conformance" / "compose";
    REQUIRE(fs::is_directory(root));
    int parsed = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        auto ext = e.path().extension();
        if (!e.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        INFO(e.path().string());
        CHECK_NOTHROW(parse_yaml(ss.str(), e.path().string()));
        ++parsed;
    }
    CHECK(parsed >= 30);
}

TEST_CASE("yaml: NUL bytes and endless empty documents are errors, not hangs") {
    std::string nul("     , sets\016\000:\012     \002\000 20!80:8080\012", 34);
    CHECK_THAT(load_error([&] { parse_yaml(nul, "n.yaml"); }),
               Catch::StartsWith("n.yaml:1:13") && Catch::Contains("NUL byte"));
    std::string many;
    for (int i = 0; i < 1100; ++i) many += "---\na: 1\n";
    CHECK_THAT(load_error([&] { parse_yaml(many, "m.yaml"); }), Catch::Contains("documents"));
}
