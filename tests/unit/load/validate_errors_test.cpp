#include <catch2/catch.hpp>

#include "decode_fixture.hpp"

using namespace stk;
using namespace stk::load;
using namespace stk::load::testing;

namespace {

// The single error decoding `yaml` produces, as "file:line:col: path: message (hint)".
std::vector<std::string> errors_of(const std::string& yaml) {
    Diagnostics diags;
    decode_text(yaml, diags);
    auto lines = error_lines(diags);
    for (const auto& l : lines) UNSCOPED_INFO(l);
    return lines;
}

}  // namespace

TEST_CASE("validate: unknown key with the nearest valid name") {
    auto e = errors_of("services:\n  web:\n    image: nginx\n    enviroment:\n      A: b\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:4:5: services.web: unknown key \"enviroment\" (did you mean \"environment\"?)");
    e = errors_of("services:\n  web:\n    image: nginx\n    healthcheck:\n      intervl: 5s\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:5:7: services.web.healthcheck: unknown key \"intervl\" (did you mean \"interval\"?)");
    e = errors_of("servics:\n  web:\n    image: nginx\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:1:1: unknown key \"servics\" (did you mean \"services\"?)");
}

TEST_CASE("validate: x-* allowed where the schema allows, refused elsewhere") {
    CHECK(errors_of("x-a: 1\nservices:\n  web:\n    image: n\n    x-b: 2\n"
                    "    deploy: {x-c: 3}\nnetworks:\n  n: {x-d: 4}\n")
              .empty());
    auto e = errors_of("services:\n  web:\n    image: n\n    ulimits:\n      nofile: {soft: 1, hard: 2, x-e: 1}\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:5:34: services.web.ulimits.nofile: unknown key \"x-e\"");
}

TEST_CASE("validate: wrong types say what is expected") {
    auto e = errors_of("services:\n  web:\n    image: n\n    ports:\n      a: 1\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:5:7: services.web.ports: must be a list, not a mapping");
    e = errors_of("services:\n  web:\n    image: n\n    privileged: \"yes\"\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:4:17: services.web.privileged: must be a boolean, not a string \"yes\" (write true or false, unquoted)");
    e = errors_of("services:\n  web:\n    image: n\n    environment:\n      DEBUG: true\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:5:14: services.web.environment.DEBUG: boolean value true must be quoted (write \"true\")");
    e = errors_of("services:\n  web:\n    image: n\n    scale: many\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "compose.yaml:4:12: services.web.scale: must be an integer, not a string \"many\"");
}

TEST_CASE("validate: bad durations, sizes, ports and volumes") {
    auto e = errors_of(R"(services:
  web:
    image: n
    stop_grace_period: 10
    mem_limit: 12q
    ports: ["80/ftp", {target: 80, published: "x"}]
    volumes: ["data:rel"]
    healthcheck: {interval: 5 days}
)");
    REQUIRE(e.size() == 6);
    CHECK(e[0] == "compose.yaml:4:24: services.web.stop_grace_period: invalid duration \"10\" (missing unit) (use a duration like 30s, 1m30s, 500ms or 1h)");
    CHECK(e[1] == "compose.yaml:5:16: services.web.mem_limit: invalid size \"12q\" (unknown unit) (use a size like 1024, 512k, 64m or 1g)");
    CHECK(e[2].rfind("compose.yaml:6:13: services.web.ports[0]: invalid protocol \"ftp\"", 0) == 0);
    CHECK(e[3] == "compose.yaml:6:47: services.web.ports[1].published: invalid published port \"x\" (use a port number or a range like 8000-8010)");
    CHECK(e[4].rfind("compose.yaml:7:15: services.web.volumes[0]: invalid volume \"data:rel\"", 0) == 0);
    CHECK(e[5].rfind("compose.yaml:8:29: services.web.healthcheck.interval: invalid duration", 0) == 0);
}

TEST_CASE("validate: service names and references to unknown services") {
    auto e = errors_of(R"(services:
  "bad name":
    image: n
  web:
    image: n
    depends_on: [dbb]
    links:
      - cache:c
    volumes_from:
      - store
    network_mode: service:vpn
  db:
    image: n
    pid: "service:web"
)");
    REQUIRE(e.size() == 5);
    CHECK(e[0] == "compose.yaml:2:3: services.bad name: invalid service name \"bad name\" (use only letters, digits, '.', '_' and '-')");
    CHECK(e[1] == "compose.yaml:6:18: services.web.depends_on.dbb: depends_on \"dbb\" is not a service of this project (did you mean \"db\"?)");
    CHECK(e[2] == "compose.yaml:8:9: services.web.links[0]: link \"cache\" is not a service of this project (define it under services or remove the reference)");
    CHECK(e[3].rfind("compose.yaml:10:9: services.web.volumes_from[0]: volumes_from \"store\"", 0) == 0);
    CHECK(e[4].rfind("compose.yaml:11:19: services.web.network_mode: network_mode service \"vpn\"", 0) == 0);
}

TEST_CASE("validate: unknown networks, volumes, secrets, configs") {
    auto e = errors_of(R"(services:
  web:
    image: n
    networks: [frontend]
    volumes: ["dta:/data"]
    secrets: [tokn]
    configs: [cfg]
networks:
  front: {}
volumes:
  data: {}
secrets:
  token: {file: ./t}
)");
    REQUIRE(e.size() == 4);
    CHECK(e[0] == "compose.yaml:4:16: services.web.networks.frontend: undefined networks \"frontend\" (did you mean \"front\"?)");
    CHECK(e[1] == "compose.yaml:5:15: services.web.volumes[0]: undefined volumes \"dta\" (did you mean \"data\"?)");
    CHECK(e[2] == "compose.yaml:6:15: services.web.secrets[0]: undefined secrets \"tokn\" (did you mean \"token\"?)");
    CHECK(e[3] == "compose.yaml:7:15: services.web.configs[0]: undefined configs \"cfg\" (declare it under the top-level configs key)");
}

TEST_CASE("validate: container_name with replicas, duplicate published ports") {
    auto e = errors_of(R"(services:
  a:
    image: n
    container_name: fixed
    deploy: {replicas: 3}
    ports: ["8080:80", "127.0.0.1:9000:90", "53:53/udp"]
  b:
    image: n
    ports:
      - "0.0.0.0:8080:8080"
      - "127.0.0.2:9000:90"
      - "53:53/tcp"
      - target: 1
        published: "9000"
        host_ip: 127.0.0.1
)");
    REQUIRE(e.size() == 3);
    CHECK(e[0] == "compose.yaml:4:21: services.a.container_name: container_name \"fixed\" with 3 replicas (a container name is unique: remove container_name or use one replica)");
    CHECK(e[1] == "compose.yaml:10:9: services.b.ports[0]: host port 0.0.0.0:8080/tcp is already published by service \"a\" (services.a.ports[0]) (publish a different host port or remove one of them)");
    CHECK(e[2] == "compose.yaml:13:9: services.b.ports[3]: host port 127.0.0.1:9000/tcp is already published by service \"a\" (services.a.ports[1]) (publish a different host port or remove one of them)");
}

TEST_CASE("validate: several errors at once and decode_project throws them all") {
    Diagnostics diags;
    auto tree = tree_from(R"(services:
  web:
    imag: nginx
    ports: 80
    restart: sometimes
    depends_on: [nope]
)");
    try {
        decode_project(tree, diags);
        FAIL("decode_project did not throw");
    } catch (const LoadError& e) {
        REQUIRE(e.diagnostics().size() == 5);
        std::string what = e.what();
        CHECK(what.find("unknown key \"imag\" (did you mean \"image\"?)") != std::string::npos);
        CHECK(what.find("services.web.ports: must be a list, not a number") != std::string::npos);
        CHECK(what.find("invalid restart policy \"sometimes\"") != std::string::npos);
        CHECK(what.find("depends_on \"nope\"") != std::string::npos);
        CHECK(what.find("services.web: has neither image nor build") != std::string::npos);
    }
}
