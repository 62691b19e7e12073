#include "image/build/dockerfile/run_mount.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::build;

namespace {

std::string error_of(const std::string& value) {
    try {
        parse_run_mount(value);
    } catch (const stk::Error& e) {
        return e.message();
    }
    return "no error";
}

}  // namespace

TEST_CASE("run mount: cache mounts are writable and keyed by id or target", "[dockerfile]") {
    RunMount m = parse_run_mount("type=cache,target=/root/.cache,sharing=locked");
    CHECK(m.type == RunMount::Type::Cache);
    CHECK(m.target == "/root/.cache");
    CHECK(m.id.empty());
    CHECK_FALSE(m.read_only);
    CHECK(parse_run_mount("type=cache,id=npm,dst=var/cache").target == "/var/cache");
    CHECK(parse_run_mount("type=cache,id=npm,dst=/x").id == "npm");
}

TEST_CASE("run mount: bind mounts default to read-only, from the context or a stage",
          "[dockerfile]") {
    RunMount m = parse_run_mount("target=/src,source=app");
    CHECK(m.type == RunMount::Type::Bind);
    CHECK(m.read_only);
    CHECK(m.source == "app");
    CHECK(m.from.empty());
    RunMount s = parse_run_mount("type=bind,from=builder,src=/out,target=/in,ro");
    CHECK(s.from == "builder");
    CHECK(s.source == "/out");
}

TEST_CASE("run mount: unsupported types and bad options are named", "[dockerfile]") {
    CHECK(error_of("type=secret,id=tok") ==
          "--mount type=secret is not supported by stack build (cache and bind are)");
    CHECK(error_of("type=tmpfs,target=/t").find("type=tmpfs is not supported") !=
          std::string::npos);
    CHECK(error_of("type=cache") == "--mount type=cache: target is required");
    CHECK(error_of("type=bind,target=/a,colour=red") ==
          "--mount type=bind: unknown or unsupported option \"colour\"");
    CHECK(error_of("type=cache,target=/a,sharing=maybe").find("sharing=maybe") !=
          std::string::npos);
    CHECK(error_of("type=bind,target=/a,rw").find("rw is not supported") != std::string::npos);
}
