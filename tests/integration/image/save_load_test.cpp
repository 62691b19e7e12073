#include <catch2/catch.hpp>

#include "image/archive/import_archive.hpp"
#include "image/archive/save_archive.hpp"
#include "tests/integration/image/store_fixture.hpp"
#include "tests/support/run_shell.hpp"

using namespace stk;
using namespace stk::test;


TEST_CASE("saved archives load back into a store with the same manifest digest and tags") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/saved:1"});
    image::import_archive(f.store, img.oci_archive());
    f.store.tag(image::Reference::parse("stk-test/saved:alias"), img.manifest_digest());
    image::save_archive(f.store, {"stk-test/saved:1", "stk-test/saved:alias"}, f.dir / "out.tar");
    CHECK_FALSE(std::filesystem::exists(f.dir / "missing.tar"));
    REQUIRE_THROWS_WITH(image::save_archive(f.store, {"stk-test/nope:1"}, f.dir / "missing.tar"),
                        Catch::Contains("not in the local image store"));
    CHECK_FALSE(std::filesystem::exists(f.dir / "missing.tar"));

    StoreFixture other;
    auto back = image::import_archive(other.store, f.dir / "out.tar");
    REQUIRE(back.size() == 1);
    CHECK(back[0].manifest_digest == img.manifest_digest());
    CHECK(back[0].references.size() == 2);
    CHECK(other.store.resolve("stk-test/saved:alias").config_digest == img.config_digest());
}

TEST_CASE("podman loads a saved archive into private storage and lists it") {
    if (run_shell("command -v podman").find("podman") == std::string::npos) FAIL("podman is not installed");
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/podman:1"});
    image::import_archive(f.store, img.docker_archive());
    image::save_archive(f.store, {"stk-test/podman:1"}, f.dir / "out.tar");
    // Storage, run root and config all private: the system's podman storage is untouched.
    std::string podman = "podman --root " + (f.dir / "podman/root").string() + " --runroot " +
                         (f.dir / "podman/run").string() +
                         " --storage-driver vfs --cgroup-manager cgroupfs --events-backend none --tmpdir " +
                         (f.dir / "podman/tmp").string();
    std::filesystem::create_directories(f.dir / "podman/tmp");
    std::string load = run_shell(podman + " load -i " + (f.dir / "out.tar").string());
    INFO(load);
    CHECK_THAT(load, !Catch::Contains("exit status"));
    std::string listed = run_shell(podman + " images --format '{{.Repository}}:{{.Tag}} {{.ID}}'");
    INFO(listed);
    CHECK_THAT(listed, Catch::Contains("stk-test/podman:1") && Catch::Contains(img.config_digest().short_hex()));
    run_shell(podman + " rmi -a -f");
    run_shell("umount -R " + (f.dir / "podman/root").string() + " 2>/dev/null");
}
