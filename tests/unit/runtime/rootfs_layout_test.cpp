#include "runtime/rootfs/rootfs_layout.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"
#include "tests/unit/runtime/rootfs_temp_dir.hpp"

namespace fs = std::filesystem;
using namespace stk::runtime;

TEST_CASE("rootfs: the layout lives under the run root", "[rootfs]") {
    stk::test::RootfsTempDir dir;
    ::setenv("STACK_RUN_ROOT", dir.path().c_str(), 1);
    auto l = rootfs_layout_for("web-1");
    CHECK(l.dir == dir.path() / "containers/web-1");
    CHECK(l.upper == l.dir / "upper");
    CHECK(l.work == l.dir / "work");
    CHECK(l.merged == l.dir / "merged");
    CHECK_THROWS_AS(rootfs_layout_for("../escape"), stk::Error);
    CHECK_THROWS_AS(rootfs_layout_for(".."), stk::Error);
    CHECK_THROWS_AS(rootfs_layout_for(""), stk::Error);
}

TEST_CASE("rootfs: prepare creates the dirs idempotently and remove deletes them", "[rootfs]") {
    stk::test::RootfsTempDir dir;
    ::setenv("STACK_RUN_ROOT", (dir.path() / "run").c_str(), 1);
    ContainerSpec spec;
    spec.name = "stkc";
    spec.rootfs.kind = RootfsSpec::Kind::Directory;
    spec.rootfs.directory = dir.path();
    auto l = prepare_rootfs_dirs(spec);
    for (const auto& p : {l.dir, l.upper, l.work, l.merged}) CHECK(fs::is_directory(p));
    dir.write("run/containers/stkc/upper/etc/file", "kept across restarts");
    auto again = prepare_rootfs_dirs(spec);
    CHECK(fs::exists(again.upper / "etc/file"));
    // A reset keeps the writable layer (upper, work) and nothing else.
    dir.write("run/containers/stkc/state.json", "{}");
    remove_rootfs_dirs("stkc", true);
    CHECK(fs::exists(l.upper / "etc/file"));
    CHECK(fs::is_directory(l.work));
    CHECK_FALSE(fs::exists(l.merged));
    CHECK_FALSE(fs::exists(l.dir / "state.json"));
    remove_rootfs_dirs("stkc");
    CHECK_FALSE(fs::exists(l.dir));
    remove_rootfs_dirs("stkc");  // idempotent
}

TEST_CASE("rootfs: prepare checks the root sources with context", "[rootfs]") {
    stk::test::RootfsTempDir dir;
    ::setenv("STACK_RUN_ROOT", (dir.path() / "run").c_str(), 1);
    ContainerSpec spec;
    spec.name = "stkbad";
    spec.rootfs.kind = RootfsSpec::Kind::Directory;
    spec.rootfs.directory = dir.path() / "missing";
    CHECK_THROWS_WITH(
        prepare_rootfs_dirs(spec),
        Catch::Contains("prepare root filesystem of \"stkbad\"") && Catch::Contains("missing"));
    spec.rootfs.kind = RootfsSpec::Kind::Layers;
    CHECK_THROWS_WITH(prepare_rootfs_dirs(spec), Catch::Contains("no image layers"));
    spec.rootfs.lower_dirs = {dir.path(), dir.path() / "gone"};
    CHECK_THROWS_WITH(prepare_rootfs_dirs(spec),
                      Catch::Contains("layer") && Catch::Contains("gone"));
    CHECK_FALSE(fs::exists(dir.path() / "run/containers/stkbad"));
}
