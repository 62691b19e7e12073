#include <catch2/catch.hpp>

#include "decode_fixture.hpp"
#include "orchestrator/load/normalize.hpp"

using namespace stk;
using namespace stk::load;
using namespace stk::load::testing;

TEST_CASE("normalize: defaults as docker compose config fills them") {
    auto p = decode_ok(R"(
services:
  web:
    image: nginx
    ports: ["80"]
    volumes: ["./html:/usr/share/nginx/html"]
    depends_on: [db]
  db:
    image: postgres
    networks: [back]
  host:
    image: x
    network_mode: host
networks:
  back:
  ext:
    external: true
  named:
    name: custom
volumes:
  data:
  shared:
    external: true
)");
    CHECK(p.name == "demo");
    CHECK(p.working_dir == "/proj");
    const auto& web = *p.find_service("web");
    CHECK(web.ports.at(0).protocol == "tcp");
    CHECK(web.ports.at(0).mode == "ingress");
    CHECK(web.volumes.at(0).bind->create_host_path);
    CHECK(web.networks.size() == 1);
    CHECK(web.networks.count("default") == 1);
    CHECK(web.depends_on.at("db").condition == "service_started");
    CHECK(web.depends_on.at("db").required);
    CHECK(web.restart == "no");
    CHECK(p.find_service("db")->networks.count("default") == 0);
    CHECK(p.find_service("host")->networks.empty());
    CHECK(p.networks.at("default").name == "demo_default");
    CHECK(p.networks.at("back").name == "demo_back");
    CHECK(p.networks.at("ext").name == "ext");
    CHECK(p.networks.at("named").name == "custom");
    CHECK(p.volumes.at("data").name == "demo_data");
    CHECK(p.volumes.at("shared").name == "shared");
}

TEST_CASE("normalize: no implicit default network when no service uses it") {
    auto p = decode_ok("services:\n  a:\n    image: x\n    network_mode: none\n");
    CHECK(p.networks.empty());
}

TEST_CASE("normalize: relative paths become absolute against the project dir, ~ expanded") {
    auto p = decode_ok(R"(
services:
  s:
    build: {context: ./app/../svc}
    volumes:
      - ~/cache:/cache
      - ../up:/up
      - /abs/./x/:/abs
      - type: bind
        source: rel
        target: /rel
    secrets: [s1]
    configs: [c1]
secrets:
  s1: {file: ./secrets/s1.txt}
configs:
  c1: {file: ~/c1.conf}
)",
                       "/work/proj", {{"HOME", "/home/u"}});
    const auto& s = p.services.at(0);
    CHECK(s.build->context == "/work/proj/svc");
    CHECK(s.volumes[0].source == "/home/u/cache");
    CHECK(s.volumes[1].source == "/work/up");
    CHECK(s.volumes[2].source == "/abs/x");
    CHECK(s.volumes[3].source == "/work/proj/rel");
    CHECK(p.secrets.at("s1").file == "/work/proj/secrets/s1.txt");
    CHECK(p.configs.at("c1").file == "/home/u/c1.conf");
    CHECK(absolute_path("a/../b/", "/p", {}) == "/p/b");
    CHECK(absolute_path("~", "/p", {{"HOME", "/h"}}) == "/h");
    auto remote = decode_ok("services:\n  s:\n    build: https://github.com/x/y.git#main\n");
    CHECK(remote.services.at(0).build->context == "https://github.com/x/y.git#main");
}

TEST_CASE("normalize: env_file read, later files win, environment always wins") {
    TempDir dir;
    dir.write("a.env", "A=from-a\nB=from-a\nC=from-a\nINTERP=${HOST_VAR}\n");
    dir.write("b.env", "B=from-b\nC=from-b\nD=from-b\n");
    auto p = decode_ok(R"(
services:
  s:
    image: x
    env_file:
      - a.env
      - path: ./b.env
      - path: ./missing.env
        required: false
    environment:
      C: from-environment
      E: ""
      FROM_SHELL:
      UNSET_ONE:
      D:
)",
                       dir.path().string(), {{"FROM_SHELL", "shell"}, {"HOST_VAR", "hv"}});
    const auto& env = p.services.at(0).environment;
    CHECK(*env.at("A") == "from-a");
    CHECK(*env.at("B") == "from-b");
    CHECK(*env.at("C") == "from-environment");
    CHECK(*env.at("D") == "from-b");  // bare D unresolved: the file's value stays
    CHECK(*env.at("E") == "");
    CHECK(*env.at("FROM_SHELL") == "shell");
    CHECK(*env.at("INTERP") == "hv");
    CHECK(env.count("UNSET_ONE") == 0);
    CHECK(p.services.at(0).env_file.empty());
}

TEST_CASE("normalize: a missing required env_file is an error at its line") {
    TempDir dir;
    Diagnostics diags;
    decode_text("services:\n  s:\n    image: x\n    env_file:\n      - nope.env\n", diags,
                dir.path().string());
    REQUIRE(diags.errors().size() == 1);
    CHECK(diags.errors()[0].loc.line == 5);
    CHECK(diags.errors()[0].path == "services.s.env_file[0]");
    CHECK(diags.errors()[0].message.find("nope.env not found") != std::string::npos);
}

TEST_CASE("normalize: scale and deploy.replicas must agree") {
    Diagnostics diags;
    decode_text("services:\n  s:\n    image: x\n    scale: 2\n    deploy: {replicas: 3}\n", diags);
    REQUIRE(diags.errors().size() == 1);
    CHECK(diags.errors()[0].to_string() ==
          "compose.yaml:4:12: services.s.scale: scale 2 and deploy.replicas 3 disagree (set only "
          "one of them)");
}
