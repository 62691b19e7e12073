#include <catch2/catch.hpp>

#include "decode_fixture.hpp"

using namespace stk;
using namespace stk::load;
using namespace stk::load::testing;

namespace {

const char* const kFixture = R"(
x-base: &base
  restart: unless-stopped
services:
  web:
    <<: *base
    image: nginx:1.25
    command: nginx -g 'daemon off;'
    ports: ["8080:80", "127.0.0.1:8443:443/tcp", "[::1]:9000-9001:9000-9001/udp"]
    volumes: ["./html:/usr/share/nginx/html:ro", "cache:/var/cache/nginx", "/tmp/anon"]
    environment:
      PRICE: "$$5"
      EMPTY: ""
      NUMBER: "0755"
      WORD: "yes"
    labels: [a=b, "c=true"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 90s
      timeout: 1500ms
      retries: 3
    depends_on:
      api: {condition: service_healthy}
    deploy:
      resources:
        limits: {cpus: "0.25", memory: 128m}
      restart_policy: {condition: on-failure, delay: 2s}
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
    extra_hosts: ["db.local:10.0.0.2"]
    networks:
      front: {aliases: [www], ipv4_address: 10.1.0.5}
    x-stack: {note: "kept", n: 1}
    stop_grace_period: 1m5s
    shm_size: 1g
    tmpfs: ["/run:size=64k"]
  api:
    build: {context: ./api, args: {V: "1"}}
    entrypoint: ["/entry", "--flag"]
    secrets: [{source: key, target: /run/secrets/k, mode: 0400}]
    sysctls: {net.core.somaxconn: 1024}
    cap_add: [NET_ADMIN]
    user: "1000:1000"
    init: true
networks:
  front:
    ipam:
      config: [{subnet: 10.1.0.0/24}]
volumes:
  cache: {}
secrets:
  key: {file: ./key.pem}
x-top: [1, "two", null]
)";

std::string roundtrip_once(const std::string& yaml, const std::string& dir) {
    Diagnostics diags;
    ResolvedTree t = tree_from(yaml, dir, {}, "emitted.yaml");
    return to_yaml(decode_project(t, diags));
}

}  // namespace

TEST_CASE("emit: YAML is stable and round-trips (emit -> parse -> decode -> emit)") {
    std::string first = to_yaml(decode_ok(kFixture, "/proj"));
    CHECK(first == to_yaml(decode_ok(kFixture, "/proj")));
    std::string second = roundtrip_once(first, "/proj");
    CHECK(first == second);
    CHECK(roundtrip_once(second, "/proj") == second);
    CHECK(first.rfind("name: demo\nservices:\n", 0) == 0);
    CHECK(first.find("networks:") > first.find("services:"));
    CHECK(first.find("PRICE: $$5") != std::string::npos);
    CHECK(first.find("NUMBER: \"0755\"") != std::string::npos);
    CHECK(first.find("WORD: \"yes\"") != std::string::npos);
    CHECK(first.find("interval: 1m30s") != std::string::npos);
    CHECK(first.find("timeout: 1.5s") != std::string::npos);
    CHECK(first.find("stop_grace_period: 1m5s") != std::string::npos);
    CHECK(first.find("shm_size: 1073741824") != std::string::npos);
    CHECK(first.find("memory: 134217728") != std::string::npos);
}

TEST_CASE("emit: JSON has the canonical long forms") {
    auto j = to_json(decode_ok(kFixture, "/proj"));
    CHECK(j["name"] == "demo");
    const auto& web = j["services"]["web"];
    CHECK(web["command"] == nlohmann::json::parse(R"(["nginx", "-g", "daemon off;"])"));
    CHECK(web["restart"] == "unless-stopped");
    CHECK(web["environment"]["PRICE"] == "$5");
    CHECK(web["ports"][0] == nlohmann::json::parse(
                                 R"({"target": 80, "published": "8080", "protocol": "tcp", "mode": "ingress"})"));
    CHECK(web["ports"][2]["host_ip"] == "::1");
    CHECK(web["ports"].size() == 4);
    CHECK(web["volumes"][0] == nlohmann::json::parse(R"({"type": "bind", "source": "/proj/html",
        "target": "/usr/share/nginx/html", "read_only": true, "bind": {"create_host_path": true}})"));
    CHECK(web["volumes"][2]["type"] == "volume");
    CHECK_FALSE(web["volumes"][2].contains("source"));
    CHECK(web["healthcheck"]["test"] ==
          nlohmann::json::parse(R"(["CMD", "curl", "-f", "http://localhost"])"));
    CHECK(web["depends_on"]["api"] ==
          nlohmann::json::parse(R"({"condition": "service_healthy", "required": true})"));
    CHECK(web["ulimits"]["nproc"] == 512);
    CHECK(web["ulimits"]["nofile"]["hard"] == 2048);
    CHECK(web["extra_hosts"][0] == "db.local=10.0.0.2");
    CHECK(web["x-stack"]["note"] == "kept");
    CHECK(web["networks"]["front"]["aliases"][0] == "www");
    const auto& api = j["services"]["api"];
    CHECK(api["networks"]["default"].is_null());
    CHECK(api["build"]["context"] == "/proj/api");
    CHECK(api["build"]["dockerfile"] == "Dockerfile");
    CHECK(api["secrets"][0]["mode"] == 0400);
    CHECK(j["networks"]["default"]["name"] == "demo_default");
    CHECK(j["networks"]["front"]["name"] == "demo_front");
    CHECK(j["volumes"]["cache"]["name"] == "demo_cache");
    CHECK(j["secrets"]["key"]["file"] == "/proj/key.pem");
    CHECK(j["x-top"][1] == "two");
}

TEST_CASE("emit: per-section helpers for stack config flags") {
    auto p = decode_ok(kFixture, "/proj");
    CHECK(service_names(p) == std::vector<std::string>{"api", "web"});
    CHECK(volume_names(p) == std::vector<std::string>{"cache"});
    CHECK(network_names(p) == std::vector<std::string>{"default", "front"});
    CHECK(image_names(p) == std::vector<std::string>{"demo-api", "nginx:1.25"});
    CHECK(profile_names(p).empty());
}

TEST_CASE("emit: every awesome-compose file decodes and round-trips") {
    namespace fs = std::filesystem;
    fs::path root = fs::path(STACK_SHARED_DIR) / "conformance/compose/awesome-compose";
    REQUIRE(fs::is_directory(root));
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(root)) {
        for (const char* name : {"compose.yaml", "docker-compose.yaml", "compose.yml", "docker-compose.yml"}) {
            fs::path file = entry.path() / name;
            if (!fs::exists(file)) continue;
            INFO(file.string());
            TempDir dir;
            LoadOptions opts = dir.options({file.string()});
            Diagnostics diags;
            ResolvedTree tree = resolve_tree(opts, diags);
            std::string first;
            try {
                first = to_yaml(decode_project(tree, diags));
            } catch (const LoadError& e) {
                FAIL_CHECK(e.what());
                continue;
            }
            ResolvedTree again = tree_from(first, tree.project_dir.string(), tree.environment,
                                           "emitted.yaml");
            again.project_name = tree.project_name;
            Diagnostics diags2;
            std::string second;
            try {
                second = to_yaml(decode_project(again, diags2));
            } catch (const LoadError& e) {
                FAIL_CHECK(std::string(e.what()) + "\n--- output was:\n" + first);
                continue;
            }
            CHECK(first == second);
            ++checked;
        }
    }
    CHECK(checked >= 30);
}
