#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "orchestrator/engine/control_protocol.hpp"
#include "tests/integration/e2e/e2e_support.hpp"

using e2e::eventually;
using e2e::marker_times;
using e2e::Project;
using namespace std::chrono_literals;


TEST_CASE("on-failure:2 restarts twice with the documented backoff, then stops") {
    Project p(R"yaml(
services:
  crash:
    command: ["sh", "-c", "echo boot; exit 1"]
    restart: on-failure:2
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto c = p.cname("crash");
    REQUIRE(eventually([&] {
        auto r = p.container(c);
        return r.value("status", "") == "exited" && r.value("restart_count", 0) == 2;
    }));
    auto boots = marker_times(p.log(c), "boot");
    REQUIRE(boots.size() == 3);
    // Backoff 100 ms then 200 ms, plus the container's own start (slack for a loaded host).
    CHECK(boots[1] - boots[0] >= 100'000'000);
    CHECK(boots[1] - boots[0] < 400'000'000);
    CHECK(boots[2] - boots[1] >= 200'000'000);
    CHECK(boots[2] - boots[1] < 500'000'000);
    CHECK(p.container(c).value("exit_code", -1) == 1);
}

TEST_CASE("restart: always keeps a crash loop going and another service stays responsive") {
    Project p(R"yaml(
services:
  crash:
    command: ["sh", "-c", "echo boot; exit 2"]
    restart: always
    x-stack: {rootfs: host}
  steady:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    REQUIRE(eventually([&] { return p.container(p.cname("crash")).value("restart_count", 0) >= 3; }));
    CHECK(p.container(p.cname("steady")).value("status", "") == "running");
    // The supervisor still answers at once.
    auto t0 = std::chrono::steady_clock::now();
    auto reply = stk::engine::send_control_request(p.name, {{"op", "ps"}}, std::chrono::seconds(2));
    REQUIRE(reply);
    CHECK((*reply)["ok"] == true);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200));
}

TEST_CASE("a manual stop cancels pending restarts") {
    Project p(R"yaml(
services:
  crash:
    command: ["sh", "-c", "echo boot; sleep 0.05; exit 1"]
    restart: always
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto c = p.cname("crash");
    REQUIRE(eventually([&] { return p.container(c).value("restart_count", 0) >= 2; }));
    auto reply = stk::engine::send_control_request(p.name, {{"op", "stop"}, {"timeout_ms", 1000}},
                                                   std::chrono::seconds(10));
    REQUIRE(reply);
    CHECK((*reply)["ok"] == true);
    auto boots = marker_times(p.log(c), "boot").size();
    auto rec = p.container(c);
    CHECK(rec.value("status", "") == "exited");
    CHECK(rec.value("manually_stopped", false));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // longer than any backoff so far
    CHECK(marker_times(p.log(c), "boot").size() == boots);
}

TEST_CASE("restart_on_unhealthy restarts a container whose probe keeps failing") {
    Project p(R"yaml(
services:
  sick:
    command: ["sh", "-c", "echo boot; exec sleep 1000"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 100ms
      retries: 1
    x-stack: {rootfs: host, restart_on_unhealthy: true}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto c = p.cname("sick");
    REQUIRE(eventually([&] { return p.container(c).value("restart_count", 0) >= 1; }));
    CHECK(eventually([&] { return marker_times(p.log(c), "boot").size() >= 2; }));
}

TEST_CASE("two containers reach each other by service name, a published port answers") {
    Project p(R"yaml(
services:
  srv:
    command: ["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0"]
    working_dir: /tmp
    ports: ["127.0.0.1::8000"]
    x-stack: {rootfs: host, healthcheck: {tcp: 8000}}
  client:
    command: ["python3", "-c", "import urllib.request; print(urllib.request.urlopen('http://srv:8000/').status)"]
    depends_on:
      srv: {condition: service_healthy}
    x-stack: {rootfs: host}
)yaml");
    auto r = p.run({"up", "-d"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    auto client = p.cname("client");
    REQUIRE(eventually([&] { return p.container(client).value("status", "") == "exited"; }));
    INFO(p.log(client));
    CHECK(p.container(client).value("exit_code", -1) == 0);
    CHECK_THAT(p.log(client), Catch::Contains(" 200"));
    auto ports = p.container(p.cname("srv"))["ports"];
    REQUIRE(ports.size() == 1);
    int port = ports[0].value("host_port", 0);
    REQUIRE(port > 0);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    std::string req = "GET / HTTP/1.0\r\n\r\n";
    REQUIRE(::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
    char buf[64] = {};
    CHECK(::read(fd, buf, sizeof buf - 1) > 0);
    CHECK_THAT(std::string(buf), Catch::StartsWith("HTTP/1.0 200"));
    ::close(fd);
}
