// The registry client's pure parts: WWW-Authenticate challenges, docker config credentials,
// base64, URLs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "image/registry/auth_challenge.hpp"
#include "image/registry/credentials.hpp"
#include "image/registry/url.hpp"
#include "runtime/sys/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace stk::image::registry;
namespace fs = std::filesystem;

namespace {

struct TempConfig {
    stk::test::TempDir dir{"stk-regauth"};
    fs::path write(const std::string& text) const {
        std::ofstream(dir / "config.json") << text;
        return dir / "config.json";
    }
};

}  // namespace

TEST_CASE("auth challenge: Bearer with realm, service and scope") {
    auto c = parse_auth_challenge(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
    REQUIRE(c);
    CHECK(c->scheme == "bearer");
    CHECK(c->param("realm") == "https://auth.docker.io/token");
    CHECK(c->param("service") == "registry.docker.io");
    CHECK(c->param("scope") == "repository:library/busybox:pull");
    CHECK(c->param("missing").empty());
}

TEST_CASE("auth challenge: Basic, unquoted values, escapes, malformed") {
    auto basic = parse_auth_challenge(R"(Basic realm="Registry \"Realm\"")");
    REQUIRE(basic);
    CHECK(basic->scheme == "basic");
    CHECK(basic->param("realm") == "Registry \"Realm\"");
    auto bare = parse_auth_challenge("bearer realm=https://h/t, service=h");
    REQUIRE(bare);
    CHECK(bare->param("realm") == "https://h/t");
    CHECK(bare->param("service") == "h");
    CHECK_FALSE(parse_auth_challenge(""));
    CHECK_FALSE(parse_auth_challenge(R"(Bearer realm="unterminated)"));
}

TEST_CASE("credentials: auth entry of the docker config, by host, docker hub aliases") {
    TempConfig t;
    // user:pa:ss (a colon in the password stays in it)
    auto file = t.write(R"({"auths": {
        "127.0.0.1:5000": {"auth": ")" + base64_encode("user:pa:ss") + R"("},
        "https://index.docker.io/v1/": {"auth": ")" + base64_encode("hub:secret") + R"("},
        "https://registry.example/v1/": {"username": "u2", "password": "p2"}}})");
    auto c = find_credentials(file, "127.0.0.1:5000");
    REQUIRE(c);
    CHECK(c->username == "user");
    CHECK(c->password == "pa:ss");
    auto hub = find_credentials(file, "registry-1.docker.io");
    REQUIRE(hub);
    CHECK(hub->username == "hub");
    auto named = find_credentials(file, "registry.example");
    REQUIRE(named);
    CHECK(named->password == "p2");
    CHECK_FALSE(find_credentials(file, "127.0.0.1:5001"));
    CHECK_FALSE(find_credentials(t.dir / "absent.json", "127.0.0.1:5000"));
}

TEST_CASE("credentials: a broken config file or entry is an error naming it") {
    TempConfig t;
    auto file = t.write("{not json");
    CHECK_THROWS_WITH(find_credentials(file, "h"), Catch::Contains(file.string()));
    file = t.write(R"({"auths": {"h": {"auth": ")" + base64_encode("no-colon") + R"("}}})");
    CHECK_THROWS_WITH(find_credentials(file, "h"),
                      Catch::Contains("auths.\"h\".auth") && Catch::Contains("user:password"));
    file = t.write(R"({"auths": {"h": {"auth": "%%%%"}}})");
    CHECK_THROWS_WITH(find_credentials(file, "h"), Catch::Contains("base64"));
}

TEST_CASE("credentials: DOCKER_CONFIG chooses the config directory") {
    ::setenv("DOCKER_CONFIG", "/some/where", 1);
    CHECK(docker_config_path() == fs::path("/some/where/config.json"));
    ::unsetenv("DOCKER_CONFIG");
    CHECK(docker_config_path().filename() == "config.json");
}

TEST_CASE("base64: round trip of every padding length") {
    for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "user:password", std::string("\0\xff\x10", 3)})
        CHECK(base64_decode(base64_encode(s)) == s);
    CHECK(base64_encode("user:pass") == "dXNlcjpwYXNz");
    CHECK_THROWS_AS(base64_decode("abc"), stk::Error);
}

TEST_CASE("url: parts, default ports, IPv6, redirects, encoding") {
    auto u = parse_url("https://registry.example:5000/v2/?x=1");
    CHECK(u.scheme == "https");
    CHECK(u.host == "registry.example");
    CHECK(u.port == "5000");
    CHECK(u.target == "/v2/?x=1");
    CHECK(u.authority() == "registry.example:5000");
    auto plain = parse_url("http://127.0.0.1");
    CHECK(plain.port == "80");
    CHECK(plain.target == "/");
    CHECK(plain.authority() == "127.0.0.1");
    auto v6 = parse_url("http://[::1]:8080/a");
    CHECK(v6.host == "::1");
    CHECK(v6.authority() == "[::1]:8080");
    CHECK_THROWS_WITH(parse_url("ftp://x/"), Catch::Contains("scheme"));
    CHECK_THROWS_WITH(parse_url("http://h:port/"), Catch::Contains("port"));
    CHECK(resolve_location(u, "/blobs/x").to_string() == "https://registry.example:5000/blobs/x");
    CHECK(resolve_location(u, "https://s3.example/b?sig=1").host == "s3.example");
    CHECK(url_encode("repository:a/b:pull") == "repository%3Aa%2Fb%3Apull");
}
