#include "network/etc_files/etc_files.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using stk::net::hosts_file;
using stk::net::resolv_conf;

TEST_CASE("etc files: hosts has localhost, own names once, and extra hosts") {
    auto text = hosts_file("web", {"demo-web-1", "web", "www"}, 0x0AD50702,
                           {{"db.local", "192.0.2.9"}, {"v6host", "2001:db8::1"}});
    CHECK(text.find("127.0.0.1\tlocalhost\n") == 0);
    CHECK(text.find("::1\tlocalhost ip6-localhost ip6-loopback\n") != std::string::npos);
    CHECK(text.find("10.213.7.2\tweb\tdemo-web-1\twww\n") != std::string::npos);
    CHECK(text.find("192.0.2.9\tdb.local\n") != std::string::npos);
    CHECK(text.find("2001:db8::1\tv6host\n") != std::string::npos);
}

TEST_CASE("etc files: no own line without an address") {
    auto text = hosts_file("web", {"demo-web-1"}, 0, {});
    CHECK(text.find("web") == std::string::npos);
}

TEST_CASE("etc files: invalid names and addresses are errors") {
    CHECK_THROWS_AS(hosts_file("bad name", {}, 1, {}), stk::Error);
    CHECK_THROWS_AS(hosts_file("web", {"a#b"}, 1, {}), stk::Error);
    CHECK_THROWS_WITH(hosts_file("web", {}, 1, {{"x", "999.1.1.1"}}),
                      Catch::Contains("999.1.1.1") && Catch::Contains("\"x\""));
}

TEST_CASE("etc files: resolv.conf points at the gateway with search and options") {
    CHECK(resolv_conf(0x0AD50701, {}, {}) == "nameserver 10.213.7.1\n");
    CHECK(resolv_conf(0x0AD50701, {"demo.stack", "example.com"}, {"ndots:0", "timeout:2"}) ==
          "nameserver 10.213.7.1\nsearch demo.stack example.com\noptions ndots:0 timeout:2\n");
    CHECK_THROWS_AS(resolv_conf(1, {"a b"}, {}), stk::Error);
}
