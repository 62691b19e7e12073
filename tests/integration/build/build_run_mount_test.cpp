// RUN --mount: a cache directory that outlives the build (and is not part of the image), a
// read-only bind of a context directory whose content keys the step, and a clear error for
// the mount types stack build does not support.
#include <catch2/catch.hpp>

#include "image/build/fs/layer_view.hpp"
#include "tests/integration/build/build_support.hpp"

using buildtest::BuildProject;
namespace fs = std::filesystem;

namespace {

const char* kCompose = "services:\n  m:\n    image: stk-test/mounts:v1\n    build: .\n";

const char* kDockerfile =
    "FROM stk-test/busybox:latest\n"
    "RUN --mount=type=cache,target=/cache echo run >> /cache/log && wc -l < /cache/log > "
    "/count.txt\n"
    "RUN --mount=type=bind,source=bound,target=/mnt/data cat /mnt/data/in.txt > /copied.txt && "
    "(touch /mnt/data/x 2>/dev/null && echo writable || echo readonly) > /ro.txt\n";

std::string in_image(const BuildProject& p, const std::string& rel) {
    auto rec = p.store().find(stk::image::Reference::parse("stk-test/mounts:v1"));
    if (!rec) return "<no image>";
    stk::build::LayerView view(rec->lower_dirs());
    auto e = view.lookup(rel);
    return e ? e2e::slurp(e->real) : "<missing>";
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    return s;
}

}  // namespace

TEST_CASE("build: RUN --mount=type=cache persists, type=bind is read-only and keys the step",
          "[build][root]") {
    BuildProject p(kCompose);
    p.file("Dockerfile", kDockerfile);
    p.file("bound/in.txt", "first\n");
    auto r = p.run({"build"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(trimmed(in_image(p, "count.txt")) == "1");
    CHECK(in_image(p, "copied.txt") == "first\n");
    CHECK(in_image(p, "ro.txt") == "readonly\n");
    CHECK(in_image(p, "cache/log") == "<missing>");
    CHECK(fs::exists(p.dir / "data" / "build-cache"));

    // The cache directory survives: a forced rebuild appends to the same log.
    auto again = p.run({"build", "--no-cache"});
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    CHECK(trimmed(in_image(p, "count.txt")) == "2");

    // A change in the bound directory reruns that step only.
    p.file("bound/in.txt", "second\n");
    auto changed = p.run({"build"});
    INFO(changed.out << changed.err);
    REQUIRE(changed.code == 0);
    CHECK(BuildProject::count(changed.out, "CACHED") == 1);
    CHECK(in_image(p, "copied.txt") == "second\n");
}

TEST_CASE("build: unsupported RUN --mount types are named with Dockerfile:line", "[build][root]") {
    BuildProject p(kCompose);
    p.file("Dockerfile", "FROM stk-test/busybox:latest\nRUN --mount=type=secret,id=tok true\n");
    auto r = p.run({"build"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(r.err.find("Dockerfile:2: RUN: --mount type=secret is not supported by stack build") !=
          std::string::npos);
}
