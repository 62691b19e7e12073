// A failing RUN: Dockerfile:line, its exit code and last lines; nothing half-made is left.
#include <catch2/catch.hpp>

#include "tests/integration/build/build_support.hpp"
#include "tests/support/registry_fixture.hpp"

using buildtest::BuildProject;
namespace fs = std::filesystem;

TEST_CASE("build: a failing RUN reports Dockerfile:line and its exit code, leaves nothing",
          "[build][root]") {
    BuildProject p("services:\n  broken:\n    build: .\n");
    p.file("Dockerfile",
           "FROM stk-test/busybox:latest\n"
           "RUN echo fine > /ok\n"
           "RUN echo about to fail; \\\n"
           "    echo last words >&2; exit 3\n"
           "RUN echo never\n");
    auto r = p.run({"build"});
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK(r.err.find("Dockerfile:3: [broken 3/4] RUN echo about to fail;") != std::string::npos);
    CHECK(r.err.find("exit code 3") != std::string::npos);
    CHECK(r.err.find("last words") != std::string::npos);
    CHECK(r.out.find("RUN echo never") == std::string::npos);
    CHECK_FALSE(p.store().find(stk::image::Reference::parse(p.name + "-broken")));
    // No build container, mount, staging dir or cgroup remains.
    auto containers = p.dir / "run" / "containers";
    CHECK((!fs::exists(containers) || fs::is_empty(containers)));
    CHECK((!fs::exists(p.dir / "run" / "build") || fs::is_empty(p.dir / "run" / "build")));
    CHECK(e2e::slurp("/proc/self/mountinfo").find(p.dir.string()) == std::string::npos);
    for (const char* c : {"memory", "pids", "unified"}) {
        auto parent = fs::path("/sys/fs/cgroup") / c / p.name;
        bool empty = true;
        if (fs::exists(parent))
            for (const auto& e : fs::directory_iterator(parent))
                if (e.is_directory()) empty = false;
        CHECK(empty);
    }

    // Fixed, it builds under compose v2's default name <project>-<service>.
    p.file("Dockerfile", "FROM stk-test/busybox:latest\nRUN echo fine > /ok\n");
    auto fixed = p.run({"build", "-q"});
    INFO(fixed.out << fixed.err);
    REQUIRE(fixed.code == 0);
    auto built = p.store().find(stk::image::Reference::parse(p.name + "-broken"));
    REQUIRE(built);
    CHECK(fixed.out == built->config_digest.str() + "\n");

    // Dockerfile mistakes are named by line too, before anything runs.
    p.file("Dockerfile", "FROM stk-test/busybox:latest\nCOPY missing.txt /x\n");
    auto missing = p.run({"build"});
    CHECK(missing.code == 1);
    CHECK(missing.err.find("Dockerfile:2: COPY: \"missing.txt\": not found in build context") != std::string::npos);
    // A base missing from the store is pulled; a registry nobody listens on (loopback only).
    std::string absent = "127.0.0.1:" + std::to_string(stk::test::free_port()) + "/not-here:1";
    p.file("Dockerfile", "FROM " + absent + "\n");
    auto nobase = p.run({"build"});
    CHECK(nobase.code == 1);
    CHECK(nobase.err.find("Dockerfile:1: FROM: pull " + absent + " from registry 127.0.0.1:") !=
          std::string::npos);
    CHECK(nobase.err.find("unreachable") != std::string::npos);
}
