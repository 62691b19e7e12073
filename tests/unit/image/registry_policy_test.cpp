// Decisions of the registry client: HTTPS or HTTP and which CAs,
// what is retried and after how long.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "image/registry/registry_settings.hpp"
#include "image/registry/retry.hpp"
#include "tests/support/temp_dir.hpp"

using namespace stk::image;
using namespace stk::image::registry;
namespace fs = std::filesystem;

TEST_CASE("registry access: HTTPS verified by default, loopback may fall back to HTTP") {
    RegistrySettings s;
    s.certs_dir = "/nonexistent";
    auto remote = registry_access("registry.example", s);
    CHECK_FALSE(remote.http_fallback);
    CHECK(remote.tls.verify);
    CHECK(remote.api_host == "registry.example");
    CHECK(registry_access("docker.io", s).api_host == "registry-1.docker.io");
    for (const char* h : {"localhost:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000"}) {
        auto a = registry_access(h, s);
        CHECK(a.http_fallback);
        CHECK(a.tls.verify);
    }
}

TEST_CASE("registry access: insecure registries by host:port or host, CA files") {
    stk::test::TempDir tmp("stk-regcert");
    const fs::path& dir = tmp.path();
    fs::create_directories(dir / "certs.d" / "registry.example:5000");
    std::ofstream(dir / "certs.d" / "registry.example:5000" / "ca.crt") << "x";
    std::ofstream(dir / "certs.d" / "registry.example:5000" / "client.key") << "x";
    RegistrySettings s;
    s.certs_dir = dir / "certs.d";
    s.ca_file = dir / "extra.pem";
    s.insecure = {"insecure.example:5000", "anyport.example"};
    auto a = registry_access("insecure.example:5000", s);
    CHECK(a.http_fallback);
    CHECK_FALSE(a.tls.verify);
    CHECK(registry_access("anyport.example:7000", s).http_fallback);
    CHECK_FALSE(registry_access("insecure.example:5001", s).http_fallback);
    auto c = registry_access("registry.example:5000", s);
    REQUIRE(c.tls.ca_files.size() == 2);
    CHECK(c.tls.ca_files[0] == dir / "extra.pem");
    CHECK(c.tls.ca_files[1] == dir / "certs.d" / "registry.example:5000" / "ca.crt");
}

TEST_CASE("registry settings: environment list and registries file, bad file named") {
    stk::test::TempDir tmp("stk-regconf");
    const fs::path& dir = tmp.path();
    std::ofstream(dir / "registries.json") << R"({"insecure-registries": ["file.example:1"]})";
    ::setenv("STACK_REGISTRIES_CONFIG", (dir / "registries.json").c_str(), 1);
    ::setenv("STACK_INSECURE_REGISTRIES", " a.example:5000 ,b.example", 1);
    auto s = RegistrySettings::from_environment();
    CHECK(s.insecure == std::vector<std::string>{"a.example:5000", "b.example", "file.example:1"});
    std::ofstream(dir / "registries.json") << R"({"insecure-registries": "file.example"})";
    CHECK_THROWS_WITH(RegistrySettings::from_environment(),
                      Catch::Contains((dir / "registries.json").string()) &&
                          Catch::Contains("insecure-registries"));
    ::unsetenv("STACK_REGISTRIES_CONFIG");
    ::unsetenv("STACK_INSECURE_REGISTRIES");
}

TEST_CASE("retry: transient failures are retried with doubling delays, final ones are not") {
    std::vector<long> delays;
    RetryPolicy p;
    p.attempts = 4;
    p.initial = std::chrono::milliseconds(100);
    p.max = std::chrono::milliseconds(300);
    p.sleep = [&](std::chrono::milliseconds d) { delays.push_back(d.count()); };
    int calls = 0;
    CHECK_THROWS_AS(with_retries(p, [&]() -> int {
                        ++calls;
                        throw TransportError("connect: Connection refused");
                    }),
                    TransportError);
    CHECK(calls == 4);
    CHECK(delays == std::vector<long>{100, 200, 300});

    calls = 0;
    delays.clear();
    int got = with_retries(p, [&] {
        if (++calls < 3) throw RegistryError("HTTP 503", 503, "");
        return 7;
    });
    CHECK(got == 7);
    CHECK(calls == 3);

    for (unsigned status : {401u, 403u, 404u}) {
        calls = 0;
        CHECK_THROWS_AS(with_retries(p, [&]() -> int {
                            ++calls;
                            throw RegistryError("final", status, "");
                        }),
                        RegistryError);
        CHECK(calls == 1);
    }
    calls = 0;
    CHECK_THROWS(with_retries(p, [&]() -> int {
        ++calls;
        throw RegistryError("slow down", 429, "TOOMANYREQUESTS");
    }));
    CHECK(calls == 4);
}
