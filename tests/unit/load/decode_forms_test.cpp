#include <catch2/catch.hpp>

#include "decode_fixture.hpp"

using namespace stk;
using namespace stk::load;
using namespace stk::load::testing;
using namespace std::chrono_literals;

TEST_CASE("decode: ports short and long forms expand into one struct") {
    auto p = decode_ok(R"(
services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - 443
      - "127.0.0.1:5000-5001:5000-5001/udp"
      - target: 9000
        published: "9000-9010"
        host_ip: "::1"
        protocol: udp
        mode: host
        name: admin
        app_protocol: http
)");
    const auto& ports = p.services.at(0).ports;
    REQUIRE(ports.size() == 5);
    CHECK(ports[0].target == 80);
    CHECK(ports[0].published == "8080");
    CHECK(ports[0].protocol == "tcp");
    CHECK(ports[0].mode == "ingress");
    CHECK(ports[1].target == 443);
    CHECK(ports[1].published.empty());
    CHECK(ports[3].target == 5001);
    CHECK(ports[3].published == "5001");
    CHECK(ports[3].protocol == "udp");
    CHECK(ports[3].host_ip == "127.0.0.1");
    CHECK(ports[4].published == "9000-9010");
    CHECK(ports[4].host_ip == "::1");
    CHECK(ports[4].mode == "host");
    CHECK(ports[4].name == "admin");
    CHECK(ports[4].app_protocol == "http");
}

TEST_CASE("decode: volumes short and long forms") {
    auto p = decode_ok(R"(
services:
  app:
    image: busybox
    volumes:
      - ./src:/src:ro
      - data:/data
      - /anon
      - type: bind
        source: ../shared
        target: /shared
        bind:
          propagation: rslave
          create_host_path: false
          selinux: Z
      - type: volume
        source: data
        target: /sub
        volume:
          nocopy: true
          subpath: part
      - type: tmpfs
        target: /tmp
        tmpfs:
          size: 64m
          mode: 01777
volumes:
  data:
)");
    const auto& v = p.services.at(0).volumes;
    REQUIRE(v.size() == 6);
    CHECK(v[0].type == "bind");
    CHECK(v[0].source == "/proj/src");
    CHECK(v[0].read_only);
    CHECK(v[0].bind->create_host_path);
    CHECK(v[1].type == "volume");
    CHECK(v[1].source == "data");
    CHECK(v[2].source.empty());
    CHECK(v[3].source == "/shared");
    CHECK(v[3].bind->propagation == "rslave");
    CHECK_FALSE(v[3].bind->create_host_path);
    CHECK(v[3].bind->selinux == "Z");
    CHECK(v[4].volume->nocopy);
    CHECK(v[4].volume->subpath == "part");
    CHECK(*v[5].tmpfs->size == 64LL << 20);
    CHECK(*v[5].tmpfs->mode == 01777);
}

TEST_CASE("decode: depends_on, healthcheck, command forms") {
    auto p = decode_ok(R"(
services:
  a:
    image: x
    command: echo "hello world" 'a b'
    entrypoint: ["/bin/sh", "-c"]
    depends_on: [b]
    healthcheck:
      test: curl -f http://localhost
      interval: 1m30s
      timeout: 500ms
      start_period: 1.5s
      start_interval: 2s
      retries: 5
  b:
    image: x
    depends_on:
      c:
        condition: service_healthy
        required: false
        restart: true
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
  c:
    image: x
    healthcheck:
      disable: true
  d:
    image: x
    healthcheck:
      test: ["NONE"]
)");
    const auto& a = *p.find_service("a");
    REQUIRE(a.command);
    CHECK(a.command->from_string);
    CHECK(a.command->argv == std::vector<std::string>{"echo", "hello world", "a b"});
    CHECK_FALSE(a.entrypoint->from_string);
    CHECK(a.entrypoint->argv == std::vector<std::string>{"/bin/sh", "-c"});
    CHECK(a.depends_on.at("b").condition == "service_started");
    CHECK(a.depends_on.at("b").required);
    CHECK_FALSE(a.depends_on.at("b").restart);
    CHECK(a.healthcheck->kind == model::HealthTestKind::CmdShell);
    CHECK(a.healthcheck->test == std::vector<std::string>{"curl -f http://localhost"});
    CHECK(*a.healthcheck->interval == 90s);
    CHECK(*a.healthcheck->timeout == 500ms);
    CHECK(*a.healthcheck->start_period == 1500ms);
    CHECK(*a.healthcheck->start_interval == 2s);
    CHECK(*a.healthcheck->retries == 5);
    const auto& b = *p.find_service("b");
    CHECK(b.depends_on.at("c").condition == "service_healthy");
    CHECK_FALSE(b.depends_on.at("c").required);
    CHECK(b.depends_on.at("c").restart);
    CHECK(b.healthcheck->kind == model::HealthTestKind::Cmd);
    CHECK(b.healthcheck->test == std::vector<std::string>{"pg_isready", "-U", "postgres"});
    CHECK(p.find_service("c")->healthcheck->disable);
    CHECK(p.find_service("c")->healthcheck->kind == model::HealthTestKind::None);
    CHECK(p.find_service("d")->healthcheck->kind == model::HealthTestKind::None);
}

TEST_CASE("decode: deploy, ulimits, resources and limits") {
    auto p = decode_ok(R"(
services:
  w:
    image: x
    deploy:
      mode: replicated
      replicas: 2
      labels: [tier=web]
      resources:
        limits: {cpus: "0.5", memory: 512m, pids: 100}
        reservations:
          memory: 64m
          devices:
            - capabilities: [gpu]
              count: all
              driver: nvidia
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
      update_config: {parallelism: 2, delay: 10s, order: start-first}
      placement:
        constraints: [node.role==manager]
        preferences: [{spread: node.labels.zone}]
    ulimits:
      nproc: 65535
      nofile: {soft: 20000, hard: 40000}
    mem_limit: 1g
    memswap_limit: -1
    shm_size: 64m
    cpus: 1.5
    stop_grace_period: 1m
    pids_limit: 50
    oom_score_adj: -500
)");
    const auto& w = p.services.at(0);
    const auto& d = *w.deploy;
    CHECK(d.mode == "replicated");
    CHECK(*d.replicas == 2);
    CHECK(d.labels.at("tier") == "web");
    CHECK(*d.resources->limits->cpus == Approx(0.5));
    CHECK(*d.resources->limits->memory == 512LL << 20);
    CHECK(*d.resources->limits->pids == 100);
    CHECK(*d.resources->reservations->memory == 64LL << 20);
    REQUIRE(d.resources->reservations->devices.size() == 1);
    CHECK(*d.resources->reservations->devices[0].count == -1);
    CHECK(d.restart_policy->condition == "on-failure");
    CHECK(*d.restart_policy->delay == 5s);
    CHECK(*d.restart_policy->max_attempts == 3);
    CHECK(*d.restart_policy->window == 2min);
    CHECK(*d.update_config->parallelism == 2);
    CHECK(d.update_config->order == "start-first");
    CHECK(d.placement->constraints.at(0) == "node.role==manager");
    CHECK(d.placement->preferences.at(0) == "node.labels.zone");
    CHECK(w.ulimits.at("nproc").single);
    CHECK(w.ulimits.at("nproc").soft == 65535);
    CHECK(w.ulimits.at("nofile").soft == 20000);
    CHECK(w.ulimits.at("nofile").hard == 40000);
    CHECK(*w.mem_limit == 1LL << 30);
    CHECK(*w.memswap_limit == -1);
    CHECK(*w.cpus == Approx(1.5));
    CHECK(*w.stop_grace_period == 60s);
    CHECK(*w.pids_limit == 50);
    CHECK(*w.oom_score_adj == -500);
}

TEST_CASE("decode: networks, secrets, configs, devices, logging, extra_hosts, build") {
    auto p = decode_ok(R"(
services:
  s:
    build: ./app
    networks:
      front:
        aliases: [www]
        ipv4_address: 172.16.238.10
        priority: 100
      back:
    secrets:
      - token
      - source: cert
        target: /etc/cert.pem
        uid: "1000"
        mode: 0440
    configs: [conf]
    devices: ["/dev/fuse", {source: /dev/sda, target: /dev/xvda, permissions: r}]
    logging:
      driver: json-file
      options: {max-size: 10m}
    extra_hosts:
      - "somehost:162.242.195.82"
      - "v6host=::1"
    sysctls: [net.core.somaxconn=1024]
    labels: {com.example.flag: true, com.example.n: 3}
    tmpfs: /run
    dns: 8.8.8.8
  t:
    build:
      context: ../t
      dockerfile: Dockerfile.dev
      args: [A=1, B]
      target: dev
    image: t:dev
    extra_hosts:
      h1: 10.0.0.1
    network_mode: host
networks:
  front:
  back:
secrets:
  token: {file: ./token.txt}
  cert: {environment: CERT}
configs:
  conf: {content: "x=1"}
)",
                       "/proj", {{"B", "from-env"}});
    const auto& s = *p.find_service("s");
    CHECK(s.networks.at("front").aliases == std::vector<std::string>{"www"});
    CHECK(s.networks.at("front").ipv4_address == "172.16.238.10");
    CHECK(*s.networks.at("front").priority == 100);
    CHECK(s.networks.count("back") == 1);
    REQUIRE(s.secrets.size() == 2);
    CHECK(s.secrets[0].source == "token");
    CHECK(s.secrets[1].target == "/etc/cert.pem");
    CHECK(s.secrets[1].uid == "1000");
    CHECK(*s.secrets[1].mode == 0440);
    CHECK(s.configs.at(0).source == "conf");
    CHECK(s.devices.at(0).target == "/dev/fuse");
    CHECK(s.devices.at(1).permissions == "r");
    CHECK(s.logging->driver == "json-file");
    CHECK(s.logging->options.at("max-size") == "10m");
    CHECK(s.extra_hosts.at("somehost") == std::vector<std::string>{"162.242.195.82"});
    CHECK(s.extra_hosts.at("v6host") == std::vector<std::string>{"::1"});
    CHECK(s.sysctls.at("net.core.somaxconn") == "1024");
    CHECK(s.labels.at("com.example.flag") == "true");
    CHECK(s.labels.at("com.example.n") == "3");
    CHECK(s.tmpfs == std::vector<std::string>{"/run"});
    CHECK(s.dns == std::vector<std::string>{"8.8.8.8"});
    CHECK(s.build->context == "/proj/app");
    CHECK(s.build->dockerfile == "Dockerfile");
    const auto& t = *p.find_service("t");
    CHECK(t.build->context == "/t");
    CHECK(t.build->dockerfile == "Dockerfile.dev");
    CHECK(t.build->args.at("A") == "1");
    CHECK(t.build->args.at("B") == "from-env");
    CHECK(t.build->target == "dev");
    CHECK(t.extra_hosts.at("h1").at(0) == "10.0.0.1");
    CHECK(t.networks.empty());
    CHECK(p.secrets.at("token").file == "/proj/token.txt");
    CHECK(p.secrets.at("token").name == "demo_token");
    CHECK(p.configs.at("conf").content == "x=1");
}

TEST_CASE("decode: scalars follow YAML 1.1 and x-* extensions are kept as JSON") {
    auto p = decode_ok(R"(
x-common: &c {retries: 3, on: yes}
services:
  s:
    image: 1.25
    environment:
      QUOTED: "true"
      NUM: 5
      EMPTY: ""
    privileged: yes
    read_only: off
    tty: true
    x-stack:
      restart_on_unhealthy: true
      tags: [a, 1, null]
    working_dir: /app
    user: 1000
)");
    const auto& s = p.services.at(0);
    CHECK(s.image == "1.25");
    CHECK(*s.environment.at("QUOTED") == "true");
    CHECK(*s.environment.at("NUM") == "5");
    CHECK(*s.environment.at("EMPTY") == "");
    CHECK(*s.privileged);
    CHECK_FALSE(*s.read_only);
    CHECK(*s.tty);
    CHECK(s.user == "1000");
    CHECK(s.extensions.at("x-stack")["restart_on_unhealthy"] == true);
    CHECK(s.extensions.at("x-stack")["tags"] == nlohmann::json::parse(R"(["a", 1, null])"));
    CHECK(p.extensions.at("x-common")["retries"] == 3);
    CHECK(p.extensions.at("x-common")["on"] == true);
}
