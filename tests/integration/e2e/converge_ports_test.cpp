#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::eventually;
using e2e::marker_times;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

// The first of `count` consecutive ports free on 127.0.0.1 for `type` now (the test then
// hands them to stack; another process could take one meanwhile, which only fails the test).
int free_port_range(int type, int count) {
    for (int base = 20000 + (::getpid() * 7) % 30000; base < 60000; base += count) {
        std::vector<int> fds;
        bool ok = true;
        for (int i = 0; i < count && ok; ++i) {
            int fd = ::socket(AF_INET, type, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(base + i));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            fds.push_back(fd);
        }
        for (int fd : fds) ::close(fd);
        if (ok) return base;
    }
    return 0;
}

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// What the server behind 127.0.0.1:port answers (it sends its own port number).
std::string tcp_answer(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(port);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        char buf[32] = {};
        ssize_t n = ::read(fd, buf, sizeof buf - 1);
        if (n > 0) out.assign(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string udp_answer(int port) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a = loopback(port);
    std::string out;
    if (::sendto(fd, "?", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 1) {
        char buf[32] = {};
        ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
        if (n > 0) out.assign(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

// Answers its own port number on TCP 80-82 and UDP 9000-9001.
const char* kServer = R"py(
import socket, threading
def tcp(p):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p)); s.listen()
    while True:
        c, _ = s.accept(); c.sendall(str(p).encode()); c.close()
def udp(p):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", p))
    while True:
        _, peer = s.recvfrom(64); s.sendto(str(p).encode(), peer)
for p in (9000, 9001): threading.Thread(target=udp, args=(p,)).start()
for p in (80, 81, 82): threading.Thread(target=tcp, args=(p,)).start()
)py";

}  // namespace

TEST_CASE("port ranges publish every port of the range, TCP and UDP") {
    int tcp_base = free_port_range(SOCK_STREAM, 3);
    int udp_base = free_port_range(SOCK_DGRAM, 2);
    REQUIRE(tcp_base > 0);
    REQUIRE(udp_base > 0);
    // A host range for one container port takes its first free port, as docker does: the
    // first one is held here.
    int pick_base = free_port_range(SOCK_STREAM, 5);
    REQUIRE(pick_base > 0);
    pick_base += 3;  // clear of tcp_base's three when both searches found the same ports
    int held = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in h = loopback(pick_base);
    REQUIRE(::bind(held, reinterpret_cast<sockaddr*>(&h), sizeof h) == 0);
    REQUIRE(::listen(held, 1) == 0);
    Project p("services: {}\n");
    std::ofstream(p.dir / "server.py") << kServer;
    p.write(R"yaml(
services:
  srv:
    command: ["python3", ")yaml" + (p.dir / "server.py").string() + R"yaml("]
    ports:
      - ")yaml" + std::to_string(tcp_base) + "-" + std::to_string(tcp_base + 2) + R"yaml(:80-82"
      - "127.0.0.1:)yaml" + std::to_string(udp_base) + "-" + std::to_string(udp_base + 1) + R"yaml(:9000-9001/udp"
      - "127.0.0.1:)yaml" + std::to_string(pick_base) + "-" + std::to_string(pick_base + 1) + R"yaml(:81"
    x-stack: {rootfs: host, healthcheck: {tcp: 82}}
)yaml");
    auto r = p.run({"up", "-d", "--wait"});
    INFO(r.out << r.err << p.log(p.cname("srv")));
    REQUIRE(r.code == 0);
    auto ports = p.container(p.cname("srv"))["ports"];
    INFO(ports.dump());
    CHECK(ports.size() == 6);
    for (int i = 0; i < 3; ++i) CHECK(tcp_answer(tcp_base + i) == std::to_string(80 + i));
    for (int i = 0; i < 2; ++i) CHECK(udp_answer(udp_base + i) == std::to_string(9000 + i));
    CHECK(tcp_answer(pick_base + 1) == "81");
    ::close(held);
}

TEST_CASE("converge stops changed dependants before their dependencies, then starts in order") {
    // c -> b -> a, and x on its own; every one takes 300 ms to stop.
    std::string yaml = R"yaml(
x-svc: &svc
  command: ["sh", "-c", "trap 'echo term; sleep 0.3; echo bye; exit 0' TERM; echo up; sleep 1000 & wait"]
  environment: {V: "1"}
  x-stack: {rootfs: host}
services:
  a: *svc
  b:
    <<: *svc
    depends_on: [a]
  c:
    <<: *svc
    depends_on: [b]
  x: *svc
)yaml";
    Project p(yaml);
    auto r1 = p.run({"up", "-d"});
    INFO(r1.out << r1.err);
    REQUIRE(r1.code == 0);
    std::string edited = yaml;
    edited.replace(edited.find("V: \"1\""), 6, "V: \"2\"");
    p.write(edited);
    auto r2 = p.run({"up", "-d", "-t", "5"});
    INFO(r2.out << r2.err);
    REQUIRE(r2.code == 0);
    auto first = [&](const std::string& svc, const std::string& marker) {
        auto t = marker_times(p.log(p.cname(svc)), marker);
        return t.empty() ? int64_t{0} : t.front();
    };
    for (const char* s : {"a", "b", "c", "x"}) {
        INFO(s);
        REQUIRE(first(s, "term") > 0);
        REQUIRE(first(s, "bye") > 0);
    }
    // Dependants first: b hears of the stop only once c has exited, a once b has.
    CHECK(first("c", "bye") <= first("b", "term"));
    CHECK(first("b", "bye") <= first("a", "term"));
    // x depends on nothing and nothing on it: it stops alongside c, not after the chain.
    CHECK(first("x", "term") < first("c", "bye"));
    // Then created and started in dependency order again.
    auto started = [&](const std::string& svc) {
        return p.container(p.cname(svc)).value("started_at", int64_t{0});
    };
    CHECK(started("a") > first("a", "bye"));
    CHECK(started("a") <= started("b"));
    CHECK(started("b") <= started("c"));
}

TEST_CASE("ls shows the config files the project was started from") {
    Project p(R"yaml(
services:
  s:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto ls = p.run({"ls", "--format", "json"});
    INFO(ls.out << ls.err);
    REQUIRE(ls.code == 0);
    auto rows = nlohmann::json::parse(ls.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].value("Name", "") == p.name);
    CHECK(rows[0].value("ConfigFiles", "") == (p.dir / "compose.yaml").string());
    auto table = p.run({"ls"});
    CHECK_THAT(table.out, Catch::Contains((p.dir / "compose.yaml").string()));
}
