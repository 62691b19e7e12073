// LoadedProject::inputs: every file whose content decides the project (what `stack watch` watches).
#include <algorithm>
#include <catch2/catch.hpp>

#include "orchestrator/load/loader.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

namespace {

bool has(const std::vector<std::filesystem::path>& v, const std::filesystem::path& p) {
    return std::find(v.begin(), v.end(), p) != v.end();
}

}  // namespace

TEST_CASE("load: inputs name stack, included, extended, .env, env_file and label_file files") {
    TempDir dir;
    dir.write("proj/.env", "TAG=1\n");
    dir.write("proj/compose.yaml",
              "include: [inc/more.yaml]\n"
              "services:\n"
              "  web:\n"
              "    image: busybox:$TAG\n"
              "    extends: {file: base.yaml, service: base}\n"
              "    env_file: [web.env, {path: later.env, required: false}]\n"
              "    label_file: labels.txt\n");
    dir.write("proj/base.yaml", "services:\n  base:\n    environment: [A=1]\n");
    dir.write("proj/inc/more.yaml", "services:\n  db:\n    image: busybox\n");
    dir.write("proj/web.env", "B=2\n");
    dir.write("proj/labels.txt", "l=1\n");
    auto loaded = load_project(dir.options({"proj/compose.yaml"}));
    const auto& in = loaded.inputs;
    const auto p = dir.path() / "proj";
    CHECK(has(in, p / "compose.yaml"));
    CHECK(has(in, p / ".env"));
    CHECK(has(in, p / "base.yaml"));
    CHECK(has(in, p / "inc/more.yaml"));
    CHECK(has(in, p / "web.env"));
    CHECK(has(in, p / "later.env"));  // absent and optional: it may appear later
    CHECK(has(in, p / "labels.txt"));
    for (const auto& f : in) CHECK(std::count(in.begin(), in.end(), f) == 1);
}

TEST_CASE("load: inputs hold the project's .env even when absent, not with --env-file") {
    TempDir dir;
    dir.write("proj/compose.yaml", "services:\n  web:\n    image: busybox\n");
    dir.write("vars.env", "X=1\n");
    auto opts = dir.options({"proj/compose.yaml"});
    auto loaded = load_project(opts);
    CHECK(has(loaded.inputs, dir.path() / "proj/.env"));

    opts.env_files = {"vars.env"};
    loaded = load_project(opts);
    CHECK_FALSE(has(loaded.inputs, dir.path() / "proj/.env"));
    CHECK(has(loaded.inputs, dir.path() / "vars.env"));
}
