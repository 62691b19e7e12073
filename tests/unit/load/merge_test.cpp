#include <catch2/catch.hpp>

#include "orchestrator/load/merge.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

namespace {

// Loads base.yaml, override.yaml, third.yaml (in that order) from a temp dir.
ResolvedTree load3(const std::string& a, const std::string& b, const std::string& c) {
    TempDir dir;
    dir.write("base.yaml", a);
    dir.write("override.yaml", b);
    dir.write("third.yaml", c);
    Diagnostics diags;
    auto options = dir.options({"base.yaml", "override.yaml", "third.yaml"});
    options.profiles = {"*"};
    return resolve_tree(options, diags);
}

const Node& web(const ResolvedTree& t) { return *t.root.find("services")->find("web"); }

}  // namespace

TEST_CASE("merge: mappings merge recursively, scalars replace, new services are added") {
    auto t = load3("services:\n  web:\n    image: a\n    healthcheck: {interval: 5s, retries: 3}\n",
                   "services:\n  web:\n    image: b\n    healthcheck: {retries: 5}\n",
                   "services:\n  db:\n    image: pg\n  web:\n    restart: always\n");
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "b");
    CHECK(scalar_at(t.root, {"services", "web", "healthcheck", "interval"}) == "5s");
    CHECK(scalar_at(t.root, {"services", "web", "healthcheck", "retries"}) == "5");
    CHECK(scalar_at(t.root, {"services", "web", "restart"}) == "always");
    CHECK(scalar_at(t.root, {"services", "db", "image"}) == "pg");
}

TEST_CASE("merge: command, entrypoint and healthcheck.test replace") {
    auto t = load3(
        "services:\n  web:\n    command: [a, b]\n    entrypoint: [x]\n"
        "    healthcheck: {test: [CMD, one]}\n",
        "services:\n  web:\n    command: [c]\n", "services:\n  web:\n    entrypoint: y\n"
        "    healthcheck: {test: [CMD, two]}\n");
    CHECK(scalars(node_at(t.root, {"services", "web", "command"})) ==
          std::vector<std::string>{"c"});
    CHECK(scalar_at(t.root, {"services", "web", "entrypoint"}) == "y");
    CHECK(scalars(node_at(t.root, {"services", "web", "healthcheck", "test"})) ==
          std::vector<std::string>{"CMD", "two"});
}

TEST_CASE("merge: ports merge by host_ip/published/target/protocol and dedupe") {
    auto t = load3("services:\n  web:\n    ports: ['8080:80', '443:443']\n",
                   "services:\n  web:\n    ports:\n      - target: 80\n        published: "
                   "'8080'\n      - '9000:9000/udp'\n",
                   "services:\n  web:\n    ports: ['443:443', '127.0.0.1:8080:80']\n");
    const Node* ports = node_at(t.root, {"services", "web", "ports"});
    REQUIRE(ports);
    REQUIRE(ports->items.size() == 4);
    CHECK(ports->items[0].is_map());  // the long form replaced "8080:80" in place
    CHECK(ports->items[1].scalar == "443:443");
    CHECK(ports->items[2].scalar == "9000:9000/udp");
    CHECK(ports->items[3].scalar == "127.0.0.1:8080:80");
    CHECK(port_key(Node::make_scalar("[::1]:80:81/udp")) == "::1|80|81|udp");
}

TEST_CASE("merge: volumes by target, secrets/configs by target") {
    auto t = load3(
        "services:\n  web:\n    volumes: ['./a:/a:ro', 'data:/data']\n    secrets: [s1]\n",
        "services:\n  web:\n    volumes:\n      - type: bind\n        source: ./b\n        "
        "target: /a\n    secrets: [{source: s1, mode: 0400}, s2]\n",
        "services:\n  web:\n    volumes: ['/c:/c']\n    configs: [c1, c1]\n");
    const Node* vols = node_at(t.root, {"services", "web", "volumes"});
    REQUIRE(vols->items.size() == 3);
    CHECK(vols->items[0].is_map());
    CHECK(vols->items[1].scalar == "data:/data");
    CHECK(vols->items[2].scalar == "/c:/c");
    const Node* secrets = node_at(t.root, {"services", "web", "secrets"});
    REQUIRE(secrets->items.size() == 2);
    CHECK(secrets->items[0].is_map());
    CHECK(node_at(t.root, {"services", "web", "configs"})->items.size() == 1);
}

TEST_CASE("merge: environment, labels, extra_hosts, sysctls by key, list and map forms mixed") {
    auto t = load3(
        "services:\n  web:\n    environment: [A=1, B=2]\n    labels: {x: '1'}\n"
        "    extra_hosts: ['h1:10.0.0.1']\n    sysctls: [net.a=1]\n",
        "services:\n  web:\n    environment: {B: '3', C: '4'}\n    labels: [x=2, y=3]\n"
        "    extra_hosts: ['h1=10.0.0.2', 'h2:10.0.0.3']\n    sysctls: {net.b: 2}\n",
        "services:\n  web:\n    environment: [C=5, D]\n    build: {args: [K=1]}\n");
    const Node& w = web(t);
    CHECK(scalar_at(w, {"environment", "A"}) == "1");
    CHECK(scalar_at(w, {"environment", "B"}) == "3");
    CHECK(scalar_at(w, {"environment", "C"}) == "5");
    CHECK(w.find("environment")->find("D")->is_null());
    CHECK(scalar_at(w, {"labels", "x"}) == "2");
    CHECK(scalar_at(w, {"labels", "y"}) == "3");
    CHECK(scalars(w.find("extra_hosts")) ==
          std::vector<std::string>{"h1=10.0.0.2", "h2:10.0.0.3"});
    CHECK(scalar_at(w, {"sysctls", "net.a"}) == "1");
    CHECK(scalar_at(w, {"sysctls", "net.b"}) == "2");
}

TEST_CASE("merge: list+list environment merges by key in place") {
    auto t = load3("services:\n  web:\n    environment: [A=1, B=2]\n",
                   "services:\n  web:\n    environment: [B=3]\n",
                   "services:\n  web:\n    environment: [A=9, C=1]\n");
    CHECK(scalars(web(t).find("environment")) == std::vector<std::string>{"A=9", "B=3", "C=1"});
}

TEST_CASE("merge: depends_on and networks list+map, build string+map, ulimits, logging") {
    auto t = load3(
        "services:\n  web:\n    depends_on: [db]\n    networks: [front]\n    build: ./app\n"
        "    ulimits: {nofile: 1024}\n    logging: {driver: json-file, options: {max-size: 1m}}\n"
        "  db: {image: pg}\n  cache: {image: redis}\n",
        "services:\n  web:\n    depends_on: {cache: {condition: service_healthy}}\n"
        "    networks: {back: {aliases: [w]}}\n    build: {dockerfile: Dockerfile.dev}\n"
        "    ulimits: {nofile: {soft: 1, hard: 2}}\n    logging: {options: {max-file: '3'}}\n",
        "services:\n  web:\n    logging: {driver: syslog}\n");
    const Node& w = web(t);
    CHECK(scalar_at(w, {"depends_on", "db", "condition"}) == "service_started");
    CHECK(scalar_at(w, {"depends_on", "cache", "condition"}) == "service_healthy");
    CHECK(w.find("networks")->find("front")->is_null());
    CHECK(scalars(node_at(w, {"networks", "back", "aliases"})) == std::vector<std::string>{"w"});
    CHECK(scalar_at(w, {"build", "context"}) == "./app");
    CHECK(scalar_at(w, {"build", "dockerfile"}) == "Dockerfile.dev");
    CHECK(scalar_at(w, {"ulimits", "nofile", "hard"}) == "2");
    // A different logging driver replaces the whole block, options included.
    CHECK(scalar_at(w, {"logging", "driver"}) == "syslog");
    CHECK(w.find("logging")->find("options") == nullptr);
}

TEST_CASE("merge: plain lists append with duplicates removed") {
    auto t = load3(
        "services:\n  web:\n    dns: [1.1.1.1]\n    cap_add: [NET_ADMIN]\n"
        "    env_file: [a.env]\n    profiles: [p]\n    expose: ['80']\n    tmpfs: [/t]\n",
        "services:\n  web:\n    dns: [1.1.1.1, 8.8.8.8]\n    cap_add: [NET_ADMIN, SYS_TIME]\n"
        "    env_file: [{path: a.env, required: false}, b.env]\n    expose: ['80', '81']\n",
        "services:\n  web:\n    profiles: [p, q]\n    tmpfs: [/t, /u]\n    dns_search: [x]\n");
    const Node& w = web(t);
    CHECK(scalars(w.find("dns")) == std::vector<std::string>{"1.1.1.1", "8.8.8.8"});
    CHECK(scalars(w.find("cap_add")) == std::vector<std::string>{"NET_ADMIN", "SYS_TIME"});
    REQUIRE(w.find("env_file")->items.size() == 2);
    CHECK(w.find("env_file")->items[0].is_map());
    CHECK(scalars(w.find("expose")) == std::vector<std::string>{"80", "81"});
    CHECK(scalars(w.find("tmpfs")) == std::vector<std::string>{"/t", "/u"});
    CHECK(scalars(w.find("dns_search")) == std::vector<std::string>{"x"});
    CHECK(scalars(w.find("profiles")) == std::vector<std::string>{"p", "q"});
}

TEST_CASE("merge: !reset removes, !override replaces, across three files") {
    auto t = load3(
        "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n"
        "    labels: {l: '1'}\n    dns: [1.1.1.1]\n",
        "services:\n  web:\n    ports: !reset []\n    environment: !override {C: '3'}\n"
        "    labels: !reset null\n",
        "services:\n  web:\n    ports: ['81:81']\n    environment: {D: '4'}\n    dns: !reset\n"
        "    image: !reset\n");
    const Node& w = web(t);
    CHECK(scalars(w.find("ports")) == std::vector<std::string>{"81:81"});
    CHECK(w.find("environment")->find("A") == nullptr);
    CHECK(scalar_at(w, {"environment", "C"}) == "3");
    CHECK(scalar_at(w, {"environment", "D"}) == "4");
    CHECK(w.find("labels") == nullptr);
    CHECK(w.find("dns") == nullptr);
    CHECK(w.find("image") == nullptr);
    CHECK(w.find("environment")->tag.empty());
}

TEST_CASE("merge: !reset in the first file removes the key, sequences append otherwise") {
    auto t = load3("services:\n  web:\n    image: a\n    ports: !reset ['1:1']\n    volumes: [/x]\n",
                   "services:\n  web:\n    volumes: [/y]\n    ports: ['2:2']\n",
                   "services:\n  web:\n    volumes: !override [/z]\n");
    CHECK(scalars(web(t).find("ports")) == std::vector<std::string>{"2:2"});
    CHECK(scalars(web(t).find("volumes")) == std::vector<std::string>{"/z"});
}
