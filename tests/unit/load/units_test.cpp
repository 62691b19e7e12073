#include <catch2/catch.hpp>

#include "orchestrator/load/units.hpp"

using namespace stk::load;
using namespace std::chrono_literals;

TEST_CASE("units: compose durations parse like Go's time.ParseDuration") {
    CHECK(parse_duration("1h2m3s") == 1h + 2min + 3s);
    CHECK(parse_duration("500ms") == 500ms);
    CHECK(parse_duration("1.5s") == 1500ms);
    CHECK(parse_duration("0") == 0s);
    CHECK(parse_duration("90s") == 90s);
    CHECK(parse_duration("10us") == 10us);
    CHECK(parse_duration("-2s") == -2s);
    CHECK_THROWS_AS(parse_duration("10"), UnitError);
    CHECK_THROWS_AS(parse_duration("5 days"), UnitError);
    CHECK_THROWS_AS(parse_duration("1x"), UnitError);
    CHECK_THROWS_AS(parse_duration(""), UnitError);
    CHECK_THROWS_AS(parse_duration("s"), UnitError);
}

TEST_CASE("units: durations print as Go does (compose config)") {
    CHECK(format_duration(90s) == "1m30s");
    CHECK(format_duration(1h) == "1h0m0s");
    CHECK(format_duration(500ms) == "500ms");
    CHECK(format_duration(1500ms) == "1.5s");
    CHECK(format_duration(0s) == "0s");
    CHECK(format_duration(30s) == "30s");
    CHECK(format_duration(1500us) == "1.5ms");
    CHECK(format_duration(std::chrono::nanoseconds(7)) == "7ns");
    for (std::chrono::nanoseconds d : {std::chrono::nanoseconds(90s), std::chrono::nanoseconds(3723s),
                                       std::chrono::nanoseconds(1250ms), std::chrono::nanoseconds(0)})
        CHECK(parse_duration(format_duration(d)) == d);
}

TEST_CASE("units: byte sizes are binary multiples") {
    CHECK(parse_bytes("1024") == 1024);
    CHECK(parse_bytes("64m") == 64LL << 20);
    CHECK(parse_bytes("1gb") == 1LL << 30);
    CHECK(parse_bytes("1.5GiB") == (3LL << 30) / 2);
    CHECK(parse_bytes("512 k") == 512LL << 10);
    CHECK(parse_bytes("2K") == 2048);
    CHECK_THROWS_AS(parse_bytes("12q"), UnitError);
    CHECK_THROWS_AS(parse_bytes("m"), UnitError);
    CHECK_THROWS_AS(parse_bytes("-1g"), UnitError);
}

TEST_CASE("units: port specs, every form") {
    auto p = parse_port_spec("80");
    REQUIRE(p.size() == 1);
    CHECK(p[0].target == 80);
    CHECK(p[0].published.empty());
    CHECK(p[0].protocol == "tcp");

    p = parse_port_spec("8080:80/udp");
    REQUIRE(p.size() == 1);
    CHECK(p[0].published == "8080");
    CHECK(p[0].protocol == "udp");

    p = parse_port_spec("127.0.0.1:8080:80");
    CHECK(p[0].host_ip == "127.0.0.1");
    CHECK(p[0].published == "8080");

    p = parse_port_spec("127.0.0.1::80");
    CHECK(p[0].host_ip == "127.0.0.1");
    CHECK(p[0].published.empty());

    p = parse_port_spec("[::1]:8080:80");
    CHECK(p[0].host_ip == "::1");
    CHECK(p[0].published == "8080");
    p = parse_port_spec("::1:6000:6000");
    CHECK(p[0].host_ip == "::1");

    p = parse_port_spec("9000-9002:8000-8002");
    REQUIRE(p.size() == 3);
    CHECK(p[2].published == "9002");
    CHECK(p[2].target == 8002);

    p = parse_port_spec("8000-8010:80");
    REQUIRE(p.size() == 1);
    CHECK(p[0].published == "8000-8010");

    p = parse_port_spec("3000-3001");
    REQUIRE(p.size() == 2);
    CHECK(p[1].target == 3001);

    CHECK_THROWS_AS(parse_port_spec("80/ftp"), UnitError);
    CHECK_THROWS_AS(parse_port_spec("70000"), UnitError);
    CHECK_THROWS_AS(parse_port_spec("abc:80"), UnitError);
    CHECK_THROWS_AS(parse_port_spec("9000-9001:80-82"), UnitError);
    CHECK_THROWS_AS(parse_port_spec("90-80"), UnitError);
    CHECK_THROWS_AS(parse_port_spec("8080:"), UnitError);
}

TEST_CASE("units: volume short specs") {
    auto v = parse_volume_spec("./data:/data:ro");
    CHECK(v.type == "bind");
    CHECK(v.source == "./data");
    CHECK(v.target == "/data");
    CHECK(v.read_only);
    REQUIRE(v.bind);
    CHECK(v.bind->create_host_path);

    v = parse_volume_spec("db:/var/lib/db");
    CHECK(v.type == "volume");
    CHECK(v.source == "db");
    CHECK_FALSE(v.bind);

    v = parse_volume_spec("/var/cache");
    CHECK(v.type == "volume");
    CHECK(v.source.empty());

    v = parse_volume_spec("~/conf:/etc/conf:z,rshared");
    CHECK(v.bind->selinux == "z");
    CHECK(v.bind->propagation == "rshared");

    v = parse_volume_spec("data:/d:nocopy");
    REQUIRE(v.volume);
    CHECK(v.volume->nocopy);

    CHECK_THROWS_AS(parse_volume_spec("a:b:c:d"), UnitError);
    CHECK_THROWS_AS(parse_volume_spec("data:relative"), UnitError);
    CHECK_THROWS_AS(parse_volume_spec("./x:/x:bogus"), UnitError);
    CHECK_THROWS_AS(parse_volume_spec("data:/d:z"), UnitError);
}

TEST_CASE("units: shell split like compose splits a string command") {
    CHECK(shell_split("echo hello world") == std::vector<std::string>{"echo", "hello", "world"});
    CHECK(shell_split("sh -c 'echo $HOME && ls'") ==
          std::vector<std::string>{"sh", "-c", "echo $HOME && ls"});
    CHECK(shell_split(R"(a "b \"c\" d" e\ f)") == std::vector<std::string>{"a", "b \"c\" d", "e f"});
    CHECK(shell_split("  ") .empty());
    CHECK(shell_split("x ''") == std::vector<std::string>{"x", ""});
    CHECK_THROWS_AS(shell_split("echo 'open"), UnitError);
}

TEST_CASE("units: device specs") {
    auto d = parse_device_spec("/dev/fuse");
    CHECK(d.target == "/dev/fuse");
    CHECK(d.permissions == "rwm");
    d = parse_device_spec("/dev/sda:/dev/xvda:r");
    CHECK(d.target == "/dev/xvda");
    CHECK(d.permissions == "r");
    CHECK_THROWS_AS(parse_device_spec("/dev/sda:/dev/x:rwx"), UnitError);
}
