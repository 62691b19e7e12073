#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "network/ipam/subnet_pool.hpp"
#include "runtime/sys/error.hpp"
#include "tests/unit/network/ipam_temp_dir.hpp"

using stk::net::AddressAllocator;
using stk::net::ipv4_to_string;
using stk::net::parse_ipv4;
using stk::net::PoolConfig;
using stk::net::Subnet;
using stk::net::SubnetPool;
using stk::test::IpamTempDir;

namespace {

PoolConfig small_pool() {
    PoolConfig c;
    c.pool = Subnet::parse("10.213.0.0/22");  // four /24s
    c.prefix = 24;
    return c;
}

std::string error_text(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const stk::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("ipam pool: networks get distinct subnets, stable per key", "[ipam]") {
    IpamTempDir dir;
    SubnetPool pool(dir.path(), small_pool(), {});
    auto a = pool.allocate("demo/default");
    auto b = pool.allocate("demo/back");
    CHECK(a.to_string() == "10.213.0.0/24");
    CHECK(b.to_string() == "10.213.1.0/24");
    CHECK(pool.allocate("demo/default") == a);
    CHECK(pool.find("demo/back") == b);
    CHECK_FALSE(pool.find("demo/none").has_value());
}

TEST_CASE("ipam pool: skips subnets overlapping the host routes", "[ipam]") {
    IpamTempDir dir;
    std::vector<Subnet> routes = {Subnet::parse("10.213.0.128/25"), Subnet::parse("10.213.1.7/32"),
                                  Subnet::parse("10.0.0.0/16")};
    SubnetPool pool(dir.path(), small_pool(), routes);
    CHECK(pool.allocate("p/n").to_string() == "10.213.2.0/24");
    // A wide host route covering the whole pool leaves nothing.
    SubnetPool covered(dir.path(), small_pool(), {Subnet::parse("10.0.0.0/8")});
    auto text = error_text([&] { covered.allocate("p/other"); });
    CHECK(text.find("exhausted") != std::string::npos);
    CHECK(text.find("p/other") != std::string::npos);
}

TEST_CASE("ipam pool: exhaustion is an error, release makes room", "[ipam]") {
    IpamTempDir dir;
    SubnetPool pool(dir.path(), small_pool(), {});
    std::set<std::string> seen;
    for (int i = 0; i < 4; ++i) seen.insert(pool.allocate("p/n" + std::to_string(i)).to_string());
    CHECK(seen.size() == 4);
    auto text = error_text([&] { pool.allocate("p/n4"); });
    CHECK(text ==
          "allocate a subnet for network \"p/n4\": address pool 10.213.0.0/22 is "
          "exhausted (no free /24)");
    pool.release("p/n2");
    CHECK(pool.allocate("p/n4").to_string() == "10.213.2.0/24");
}

TEST_CASE("ipam pool: state persists across objects and processes", "[ipam]") {
    IpamTempDir dir;
    Subnet first;
    {
        SubnetPool pool(dir.path(), small_pool(), {});
        first = pool.allocate("p/a");
    }
    SubnetPool again(dir.path(), small_pool(), {});
    CHECK(again.find("p/a") == first);
    CHECK(again.allocate("p/b") != first);
    CHECK(std::filesystem::exists(dir.path() / "subnets.json"));
}

TEST_CASE("ipam pool: a release or lookup after the state directory is gone creates nothing",
          "[ipam]") {
    IpamTempDir dir;
    const auto state = dir.path() / "run" / "ipam";
    SubnetPool pool(state, small_pool(), {});
    pool.allocate("p/a");
    std::filesystem::remove_all(dir.path() / "run");  // `down` removed the project's run root
    pool.release("p/a");
    CHECK_FALSE(pool.find("p/a"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "run"));
    CHECK(pool.allocate("p/b").to_string() == "10.213.0.0/24");  // allocating recreates it
    CHECK(std::filesystem::exists(state / "subnets.json"));
}

TEST_CASE("ipam pool: explicit subnets are honoured and checked for overlap", "[ipam]") {
    IpamTempDir dir;
    SubnetPool pool(dir.path(), small_pool(), {Subnet::parse("192.168.50.0/24")});
    CHECK(pool.reserve("p/fixed", Subnet::parse("172.30.0.0/16")).to_string() == "172.30.0.0/16");
    CHECK(pool.reserve("p/fixed", Subnet::parse("172.30.0.0/16")).to_string() == "172.30.0.0/16");
    auto clash = error_text([&] { pool.reserve("p/other", Subnet::parse("172.30.4.0/24")); });
    CHECK(clash.find("overlaps 172.30.0.0/16 of network \"p/fixed\"") != std::string::npos);
    auto host = error_text([&] { pool.reserve("p/h", Subnet::parse("192.168.0.0/16")); });
    CHECK(host.find("overlaps the host route 192.168.50.0/24") != std::string::npos);
    // An explicit subnet inside the pool is avoided by later automatic allocations.
    pool.reserve("p/inpool", Subnet::parse("10.213.0.0/24"));
    CHECK(pool.allocate("p/auto").to_string() == "10.213.1.0/24");
}

TEST_CASE("ipam pool: a pool that cannot be split is rejected", "[ipam]") {
    IpamTempDir dir;
    PoolConfig c;
    c.pool = Subnet::parse("10.213.0.0/24");
    c.prefix = 16;
    CHECK_THROWS_AS(SubnetPool(dir.path(), c, {}), stk::Error);
}

TEST_CASE("ipam addresses: skip gateway, stable per owner, round-robin", "[ipam]") {
    IpamTempDir dir;
    AddressAllocator alloc(dir.path(), "p/n", Subnet::parse("10.213.7.0/24"));
    CHECK(ipv4_to_string(alloc.allocate("web-1")) == "10.213.7.2");
    CHECK(ipv4_to_string(alloc.allocate("web-2")) == "10.213.7.3");
    CHECK(ipv4_to_string(alloc.allocate("web-1")) == "10.213.7.2");
    alloc.release("web-1");
    // Not reused at once: the next address follows the last one handed out.
    CHECK(ipv4_to_string(alloc.allocate("db-1")) == "10.213.7.4");
    CHECK(alloc.find("db-1") == parse_ipv4("10.213.7.4"));
    CHECK_FALSE(alloc.find("web-1").has_value());
}

TEST_CASE("ipam addresses: exhaustion error, then reuse after release", "[ipam]") {
    IpamTempDir dir;
    AddressAllocator alloc(dir.path(), "p/tiny", Subnet::parse("10.213.9.0/29"));  // .2 .. .6
    std::set<uint32_t> got;
    for (int i = 0; i < 5; ++i) got.insert(alloc.allocate("c" + std::to_string(i)));
    CHECK(got.size() == 5);
    CHECK(*got.begin() == *parse_ipv4("10.213.9.2"));
    CHECK(*got.rbegin() == *parse_ipv4("10.213.9.6"));
    auto text = error_text([&] { alloc.allocate("c5"); });
    CHECK(text.find("\"c5\"") != std::string::npos);
    CHECK(text.find("10.213.9.0/29 is exhausted (5 addresses in use)") != std::string::npos);
    alloc.release("c2");
    CHECK(ipv4_to_string(alloc.allocate("c5")) == "10.213.9.4");
}

TEST_CASE("ipam addresses: explicit addresses are validated", "[ipam]") {
    IpamTempDir dir;
    AddressAllocator alloc(dir.path(), "p/n", Subnet::parse("10.213.7.0/24"));
    CHECK(ipv4_to_string(alloc.reserve("db", *parse_ipv4("10.213.7.50"))) == "10.213.7.50");
    CHECK(alloc.reserve("db", *parse_ipv4("10.213.7.50")) == *parse_ipv4("10.213.7.50"));
    auto held = error_text([&] { alloc.reserve("web", *parse_ipv4("10.213.7.50")); });
    CHECK(held.find("already held by \"db\"") != std::string::npos);
    CHECK_THROWS_AS(alloc.reserve("x", *parse_ipv4("10.213.7.1")), stk::Error);
    CHECK_THROWS_AS(alloc.reserve("x", *parse_ipv4("10.213.7.255")), stk::Error);
    CHECK_THROWS_AS(alloc.reserve("x", *parse_ipv4("10.213.8.5")), stk::Error);
}

TEST_CASE("ipam addresses: state persists across objects and networks are separate", "[ipam]") {
    IpamTempDir dir;
    auto subnet = Subnet::parse("10.213.7.0/24");
    {
        AddressAllocator a(dir.path(), "p/one", subnet);
        a.allocate("x");
        a.allocate("y");
    }
    AddressAllocator again(dir.path(), "p/one", subnet);
    CHECK(again.find("y") == parse_ipv4("10.213.7.3"));
    CHECK(ipv4_to_string(again.allocate("z")) == "10.213.7.4");
    AddressAllocator other(dir.path(), "p/two", subnet);
    CHECK(ipv4_to_string(other.allocate("x")) == "10.213.7.2");
    again.remove_all();
    AddressAllocator fresh(dir.path(), "p/one", subnet);
    CHECK_FALSE(fresh.find("x").has_value());
}

TEST_CASE("ipam addresses: concurrent allocators never hand out one address twice", "[ipam]") {
    IpamTempDir dir;
    auto subnet = Subnet::parse("10.213.7.0/24");
    std::vector<pid_t> children;
    for (int c = 0; c < 4; ++c) {
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int rc = 0;
            try {
                AddressAllocator alloc(dir.path(), "p/n", subnet);
                for (int i = 0; i < 20; ++i) alloc.allocate("c" + std::to_string(c * 100 + i));
            } catch (...) {
                rc = 1;
            }
            ::_exit(rc);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    AddressAllocator alloc(dir.path(), "p/n", subnet);
    std::set<uint32_t> seen;
    for (int c = 0; c < 4; ++c) {
        for (int i = 0; i < 20; ++i) {
            auto a = alloc.find("c" + std::to_string(c * 100 + i));
            REQUIRE(a.has_value());
            seen.insert(*a);
        }
    }
    CHECK(seen.size() == 80);
}
