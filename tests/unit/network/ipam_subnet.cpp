#include <catch2/catch.hpp>

#include "network/ipam/subnet.hpp"
#include "runtime/sys/error.hpp"

using stk::net::ipv4_to_string;
using stk::net::parse_ipv4;
using stk::net::Subnet;

TEST_CASE("ipam subnet: parse and print round-trip", "[ipam]") {
    auto s = Subnet::parse("10.213.7.0/24");
    CHECK(s.network == 0x0AD50700u);
    CHECK(s.prefix == 24);
    CHECK(s.to_string() == "10.213.7.0/24");
    CHECK(Subnet::parse("0.0.0.0/0").to_string() == "0.0.0.0/0");
    CHECK(Subnet::parse("192.168.1.4/30").to_string() == "192.168.1.4/30");
    CHECK(Subnet::parse("8.8.8.8/32").size() == 1);
}

TEST_CASE("ipam subnet: malformed text is an error naming it", "[ipam]") {
    for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8",
                            "10.0.0.256/24", "10.0.0.1/24", "a.b.c.d/8", "10.0.0.0/24x"}) {
        INFO(bad);
        try {
            Subnet::parse(bad);
            FAIL("accepted " << bad);
        } catch (const stk::Error& e) {
            CHECK(std::string(e.what()).find(bad) != std::string::npos);
        }
    }
}

TEST_CASE("ipam subnet: masks, broadcast, gateway and host range", "[ipam]") {
    auto s = Subnet::parse("10.213.7.0/24");
    CHECK(ipv4_to_string(s.mask()) == "255.255.255.0");
    CHECK(ipv4_to_string(s.broadcast()) == "10.213.7.255");
    CHECK(ipv4_to_string(s.gateway()) == "10.213.7.1");
    CHECK(ipv4_to_string(s.first_host()) == "10.213.7.2");
    CHECK(ipv4_to_string(s.last_host()) == "10.213.7.254");
    CHECK(s.size() == 256);
    CHECK(Subnet::parse("0.0.0.0/0").mask() == 0);
    CHECK(Subnet::parse("0.0.0.0/0").size() == (uint64_t{1} << 32));
    CHECK(Subnet::containing(*parse_ipv4("172.16.5.77"), 20).to_string() == "172.16.0.0/20");
}

TEST_CASE("ipam subnet: contains and overlaps", "[ipam]") {
    auto net = Subnet::parse("10.213.0.0/16");
    auto a = Subnet::parse("10.213.7.0/24");
    auto b = Subnet::parse("10.213.8.0/24");
    CHECK(net.contains(a));
    CHECK_FALSE(a.contains(net));
    CHECK(net.overlaps(a));
    CHECK(a.overlaps(net));
    CHECK_FALSE(a.overlaps(b));
    CHECK(a.contains(*parse_ipv4("10.213.7.200")));
    CHECK_FALSE(a.contains(*parse_ipv4("10.213.8.1")));
    CHECK(Subnet::parse("0.0.0.0/0").overlaps(b));
}

TEST_CASE("ipam subnet: address text", "[ipam]") {
    CHECK(parse_ipv4("255.255.255.255") == 0xffffffffu);
    CHECK(ipv4_to_string(0x7f000001u) == "127.0.0.1");
    CHECK_FALSE(parse_ipv4("1.2.3").has_value());
    CHECK_FALSE(parse_ipv4("01.2.3.4x").has_value());
    CHECK_FALSE(parse_ipv4("").has_value());
}
