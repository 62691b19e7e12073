#include "network/dns/dns_server.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "network/dns/dns_message.hpp"
#include "tests/integration/network/dns_proxy_test_support.hpp"

using namespace stk::net;
using stk::UniqueFd;
using namespace stk::net::testing;
namespace dns = stk::net::dns;

namespace {

std::vector<uint8_t> make_query(const std::string& name, uint16_t type = dns::kTypeA) {
    static uint16_t next_id = 100;
    dns::Message m;
    m.id = next_id++;
    m.recursion_desired = true;
    m.questions.push_back({name, type, dns::kClassIn});
    return dns::encode_message(m);
}

// One UDP exchange from a socket inside `netns_fd`; nullopt on timeout.
std::optional<dns::Message> udp_exchange(int netns_fd, uint16_t port,
                                         const std::vector<uint8_t>& query, int timeout_ms = 3000) {
    UniqueFd fd = socket_in_netns(netns_fd, AF_INET, SOCK_DGRAM);
    auto to = make_addr(kLoopback, port);
    stk::check_sys(::sendto(fd.get(), query.data(), query.size(), 0,
                            reinterpret_cast<sockaddr*>(&to), sizeof to),
                   "sendto");
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    uint8_t buf[65536];
    ssize_t r = ::recv(fd.get(), buf, sizeof buf, 0);
    if (r <= 0) return std::nullopt;
    return dns::parse_message(std::span<const uint8_t>(buf, static_cast<std::size_t>(r)));
}

dns::Message udp_query(int netns_fd, uint16_t port, const std::string& name,
                       uint16_t type = dns::kTypeA) {
    auto query = make_query(name, type);
    auto reply = udp_exchange(netns_fd, port, query);
    REQUIRE(reply);
    REQUIRE(reply->id == dns::peek_header(query)->id);
    return *reply;
}

std::vector<uint32_t> a_records(const dns::Message& m) {
    std::vector<uint32_t> out;
    for (const auto& rr : m.answers)
        if (rr.type == dns::kTypeA && rr.rdata.size() == 4)
            out.push_back(uint32_t(rr.rdata[0]) << 24 | rr.rdata[1] << 16 | rr.rdata[2] << 8 |
                          rr.rdata[3]);
    return out;
}

}  // namespace

TEST_CASE("dns server: answers A records inside a netns, rotating replicas") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer server(io, ns.fd(), kLoopback, 0, false);
    IoThread runner(io);
    REQUIRE(server.port() != 0);

    server.set_records("demo-web-1", {"web", "demo-web-1", "frontend"}, 0x0AD50702);
    server.set_records("demo-api-1", {"api", "demo-api-1"}, 0x0AD50703);
    server.set_records("demo-api-2", {"api", "demo-api-2"}, 0x0AD50704);

    auto web = udp_query(ns.fd(), server.port(), "web");
    CHECK(web.rcode == dns::kRcodeNoError);
    CHECK(a_records(web) == std::vector<uint32_t>{0x0AD50702});
    CHECK(a_records(udp_query(ns.fd(), server.port(), "Frontend.")) ==
          std::vector<uint32_t>{0x0AD50702});

    std::set<uint32_t> firsts;
    for (int i = 0; i < 4; ++i) {
        auto api = a_records(udp_query(ns.fd(), server.port(), "api"));
        REQUIRE(api.size() == 2);
        firsts.insert(api.front());
    }
    CHECK(firsts == std::set<uint32_t>{0x0AD50703, 0x0AD50704});
}

TEST_CASE("dns server: unknown names get NXDOMAIN at once") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer server(io, ns.fd(), kLoopback, 0, false);
    IoThread runner(io);
    auto start = std::chrono::steady_clock::now();
    auto reply = udp_query(ns.fd(), server.port(), "unknown.example.com");
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(reply.rcode == dns::kRcodeNxDomain);
    CHECK(reply.answers.empty());
    CHECK(elapsed < std::chrono::milliseconds(100));
}

TEST_CASE("dns server: records change live") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer server(io, ns.fd(), kLoopback, 0, false);
    IoThread runner(io);
    CHECK(udp_query(ns.fd(), server.port(), "db").rcode == dns::kRcodeNxDomain);
    server.set_records("demo-db-1", {"db"}, 0x0A000005);
    CHECK(a_records(udp_query(ns.fd(), server.port(), "db")) == std::vector<uint32_t>{0x0A000005});
    server.set_records("demo-db-1", {"db"}, 0x0A000009);  // restarted with a new address
    CHECK(a_records(udp_query(ns.fd(), server.port(), "db")) == std::vector<uint32_t>{0x0A000009});
    server.set_records("demo-db-2", {"db"}, 0x0A00000A);  // scaled up
    CHECK(a_records(udp_query(ns.fd(), server.port(), "db")).size() == 2);
    server.remove_records("demo-db-1");
    server.remove_records("demo-db-2");
    CHECK(udp_query(ns.fd(), server.port(), "db").rcode == dns::kRcodeNxDomain);
}

TEST_CASE("dns server: TCP queries, several on one connection") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer server(io, ns.fd(), kLoopback, 0, false);
    IoThread runner(io);
    for (uint32_t i = 0; i < 80; ++i)
        server.set_records("c" + std::to_string(i), {"many"}, 0x0A010000 + i);

    // Over UDP 80 records do not fit: TC set, the client must retry over TCP.
    auto udp = udp_query(ns.fd(), server.port(), "many");
    CHECK(udp.truncated);

    UniqueFd conn = tcp_connect(ns.fd(), kLoopback, server.port());
    for (const char* name : {"many", "nothing.here"}) {
        auto query = make_query(name);
        std::vector<uint8_t> framed = {static_cast<uint8_t>(query.size() >> 8),
                                       static_cast<uint8_t>(query.size())};
        framed.insert(framed.end(), query.begin(), query.end());
        write_all(conn.get(), framed.data(), framed.size());
        uint8_t len[2];
        REQUIRE(::recv(conn.get(), len, 2, MSG_WAITALL) == 2);
        std::vector<uint8_t> body(std::size_t(len[0]) << 8 | len[1]);
        REQUIRE(::recv(conn.get(), body.data(), body.size(), MSG_WAITALL) ==
                static_cast<ssize_t>(body.size()));
        auto reply = dns::parse_message(body);
        REQUIRE(reply);
        if (std::string(name) == "many") {
            CHECK_FALSE(reply->truncated);
            CHECK(a_records(*reply).size() == 80);
        } else {
            CHECK(reply->rcode == dns::kRcodeNxDomain);
        }
    }
}

TEST_CASE("dns server: malformed packets get FORMERR or are dropped, and serving goes on") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer server(io, ns.fd(), kLoopback, 0, false);
    IoThread runner(io);
    server.set_records("c1", {"web"}, 0x0A000002);

    auto truncated = make_query("web");
    truncated.resize(truncated.size() - 3);
    auto formerr = udp_exchange(ns.fd(), server.port(), truncated);
    REQUIRE(formerr);
    CHECK(formerr->rcode == dns::kRcodeFormErr);

    std::vector<uint8_t> runt = {1, 2, 3};
    CHECK_FALSE(udp_exchange(ns.fd(), server.port(), runt, 200));
    std::vector<uint8_t> loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
    auto loop_reply = udp_exchange(ns.fd(), server.port(), loop);
    REQUIRE(loop_reply);
    CHECK(loop_reply->rcode == dns::kRcodeFormErr);

    CHECK(a_records(udp_query(ns.fd(), server.port(), "web")) == std::vector<uint32_t>{0x0A000002});
}

TEST_CASE("dns server: forwards unknown names upstream when egress is on") {
    // The "upstream" is another DnsServer on loopback in our own namespace: no outside traffic.
    UniqueFd host_ns(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    REQUIRE(host_ns);
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer upstream(io, host_ns.get(), kLoopback, 0, false);
    upstream.set_records("outside", {"outside.example"}, 0xC0000207);
    DnsServer server(io, ns.fd(), kLoopback, 0, true);
    server.set_upstreams({{kLoopback, upstream.port()}});
    server.set_records("c1", {"web"}, 0x0A000002);
    IoThread runner(io);

    CHECK(a_records(udp_query(ns.fd(), server.port(), "outside.example")) ==
          std::vector<uint32_t>{0xC0000207});
    CHECK(udp_query(ns.fd(), server.port(), "missing.example").rcode == dns::kRcodeNxDomain);
    CHECK(a_records(udp_query(ns.fd(), server.port(), "web")) == std::vector<uint32_t>{0x0A000002});

    // No upstream answers (nothing listens on the port): SERVFAIL rather than silence.
    UniqueFd probe(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    auto any = make_addr(kLoopback, 0);
    REQUIRE(::bind(probe.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
    uint16_t dead_port = local_port(probe.get());
    probe.reset();
    server.set_upstreams({{kLoopback, dead_port}});
    CHECK(udp_query(ns.fd(), server.port(), "outside.example").rcode == dns::kRcodeServFail);
}

TEST_CASE("dns server: a port already taken is an error naming the address") {
    AnonymousNetns ns;
    boost::asio::io_context io;
    DnsServer first(io, ns.fd(), kLoopback, 0, false);
    try {
        DnsServer second(io, ns.fd(), kLoopback, first.port(), false);
        FAIL("second server bound the same port");
    } catch (const stk::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(first.port())) &&
                                 Catch::Contains("in use"));
    }
}
