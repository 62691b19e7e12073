#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "image/archive/import_archive.hpp"
#include "tests/integration/image/store_fixture.hpp"

using namespace stk;
using namespace stk::test;

namespace {

void check_two_layers(const image::ImageRecord& r) {
    REQUIRE(r.layer_dirs.size() == 2);
    const auto& base = r.layer_dirs[0];
    const auto& top = r.layer_dirs[1];
    CHECK(std::filesystem::is_regular_file(base / "bin/busybox"));
    CHECK(std::filesystem::is_symlink(base / "bin/sh"));
    CHECK(std::filesystem::read_symlink(base / "bin/sh") == "busybox");
    CHECK((std::filesystem::status(base / "tmp").permissions() & std::filesystem::perms::sticky_bit) !=
          std::filesystem::perms::none);
    CHECK(is_whiteout(top / "etc/doomed"));
    CHECK(xattr(top / "data/opaque", "trusted.overlay.opaque") == "y");
    CHECK_FALSE(std::filesystem::exists(top / "data/opaque/.wh..wh..opq"));
    struct stat a {}, b {};
    REQUIRE(::stat((top / "app/layer2.txt").c_str(), &a) == 0);
    REQUIRE(::stat((top / "app/hardlink").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK(a.st_nlink == 2);
    CHECK(r.lower_dirs().front() == top);
}

}  // namespace

TEST_CASE("import of a docker save archive stores the image under its RepoTags") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/docker-save:1"});
    auto imported = image::import_archive(f.store, img.docker_archive());
    REQUIRE(imported.size() == 1);
    CHECK(imported[0].references.at(0).to_string() == "docker.io/stk-test/docker-save:1");
    CHECK(imported[0].config_digest == img.config_digest());

    image::ImageRecord r = f.store.resolve("stk-test/docker-save:1");
    CHECK(r.config.cmd == img.config().cmd);
    CHECK(r.config.working_dir == "/app");
    REQUIRE(r.config.healthcheck);
    CHECK(r.config.healthcheck->test.at(0) == "CMD-SHELL");
    check_two_layers(r);
    // The image ID (config digest prefix) resolves too.
    CHECK(f.store.resolve(img.config_digest().short_hex()).manifest_digest == r.manifest_digest);
    CHECK(dir_is_empty(f.dir / "images/tmp"));
}

TEST_CASE("import of OCI layout archives with gzip and zstd layers keeps the manifest digest") {
    for (auto compression : {TarCompression::Gzip, TarCompression::Zstd, TarCompression::None}) {
        StoreFixture f;
        BusyboxImage img({.reference = "localhost:5000/stk/oci:2", .compression = compression});
        auto imported = image::import_archive(f.store, img.oci_archive());
        REQUIRE(imported.size() == 1);
        CHECK(imported[0].manifest_digest == img.manifest_digest());
        image::ImageRecord r = f.store.resolve("localhost:5000/stk/oci:2");
        check_two_layers(r);
        // A digest reference is recorded beside the tag.
        CHECK(f.store.resolve("localhost:5000/stk/oci@" + img.manifest_digest().str()).manifest_digest ==
              img.manifest_digest());
    }
}

TEST_CASE("import --tag renames the image, a nameless archive without --tag is a clear error") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/named:1", .two_layers = false});
    image::ImportOptions o;
    o.tag = image::Reference::parse("renamed:7");
    auto imported = image::import_archive(f.store, img.docker_archive(), o);
    CHECK(imported.at(0).references.at(0).familiar() == "renamed:7");
    CHECK_FALSE(f.store.find(image::Reference::parse("stk-test/named:1")));
    CHECK(f.store.find(image::Reference::parse("renamed:7")));

    // An OCI layout whose index only says "latest" has no repository name.
    TempDir t;
    std::filesystem::copy(img.layout(), t / "oci", std::filesystem::copy_options::recursive);
    auto index = slurp(t / "oci/index.json");
    auto pos = index.find("\"io.containerd.image.name\"");
    REQUIRE(pos != std::string::npos);
    index.replace(pos, std::string("\"io.containerd.image.name\"").size(), "\"x.other\"");
    std::ofstream(t / "oci/index.json") << index;
    tar_directory(t / "oci", t / "nameless.tar");
    REQUIRE_THROWS_WITH(image::import_archive(f.store, t / "nameless.tar"), Catch::Contains("--tag"));
}

TEST_CASE("an archive with a corrupted blob is refused and leaves no image") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/corrupt:1"});
    TempDir t;
    std::filesystem::copy(img.layout(), t / "oci", std::filesystem::copy_options::recursive);
    // Flip one byte of the top layer blob: its name no longer matches its content.
    auto blob = t / "oci/blobs/sha256" / img.manifest().layers.back().digest.hex();
    std::string bytes = slurp(blob);
    bytes[bytes.size() / 2] ^= 0x55;
    std::ofstream(blob, std::ios::binary) << bytes;
    tar_directory(t / "oci", t / "corrupt.tar");
    REQUIRE_THROWS_WITH(image::import_archive(f.store, t / "corrupt.tar"), Catch::Contains("refused"));
    CHECK_FALSE(f.store.find(image::Reference::parse("stk-test/corrupt:1")));
    CHECK(dir_is_empty(f.dir / "images/tmp"));
    CHECK_FALSE(f.store.has_blob(img.manifest().layers.back().digest));
}

TEST_CASE("an image stored by digest is found by that digest and moves no tag") {
    StoreFixture first;
    BusyboxImage img({.reference = "stk-test/pinned:1", .two_layers = false});
    image::Digest digest = image::import_archive(first.store, img.docker_archive()).at(0).manifest_digest;

    StoreFixture f;
    image::ImportOptions o;
    o.tag = image::Reference::parse("stk-test/pinned@" + digest.str());
    image::import_archive(f.store, img.docker_archive(), o);
    CHECK(f.store.find(image::Reference::parse("stk-test/pinned@" + digest.str())));
    CHECK_FALSE(f.store.find(image::Reference::parse("stk-test/pinned:latest")));
    CHECK_FALSE(f.store.find(image::Reference::parse("stk-test/pinned:1")));
}
