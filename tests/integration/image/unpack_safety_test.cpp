#include <catch2/catch.hpp>

#include "tests/integration/image/store_fixture.hpp"

using namespace stk;
using namespace stk::test;

namespace {

// Puts a layer made of `entries` in the store and unpacks it; returns the error text.
std::string unpack_error(StoreFixture& f, const std::vector<TarEntry>& entries) {
    TempDir t;
    write_tar(t / "layer.tar", entries);
    std::string bytes = slurp(t / "layer.tar");
    image::Digest d = f.store.put_blob(bytes);
    image::Descriptor desc{image::media_type::kOciLayer, d, static_cast<int64_t>(bytes.size()), {}, {}};
    try {
        f.store.ensure_layer(desc, d);
    } catch (const Error& e) {
        CHECK_FALSE(f.store.layer_root(d));
        CHECK_FALSE(std::filesystem::exists(f.dir / "images/layers" / d.hex()));
        CHECK(dir_is_empty(f.dir / "images/tmp"));
        return e.message();
    }
    return "";
}

}  // namespace

TEST_CASE("layer entries with .. or absolute paths are refused") {
    StoreFixture f;
    TempDir outside;
    std::string rel = "../../../../../../../../.." + outside.path().string() + "/dotdot";
    CHECK_THAT(unpack_error(f, {TarEntry::file("ok.txt", "x"), TarEntry::file(rel, "escaped")}),
               Catch::Contains("\"..\" refused"));
    CHECK_THAT(unpack_error(f, {TarEntry::file(outside.path().string() + "/abs", "escaped")}),
               Catch::Contains("absolute path refused"));
    CHECK(dir_is_empty(outside.path()));
}

TEST_CASE("writes through a symlink that leaves the layer are refused") {
    StoreFixture f;
    TempDir outside;
    CHECK_THAT(unpack_error(f, {TarEntry::symlink("evil", outside.path().string()), TarEntry::file("evil/pwned", "x")}),
               Catch::Contains("leaves the layer"));
    CHECK_THAT(unpack_error(f, {TarEntry::dir("a"), TarEntry::symlink("a/up", "../../../../../../../../.."),
                                TarEntry::file("a/up" + outside.path().string() + "/pwned", "x")}),
               Catch::Contains("leaves the layer"));
    // A symlink as the final name is replaced, never followed.
    std::string err = unpack_error(f, {TarEntry::symlink("f", outside.path().string() + "/target"),
                                       TarEntry::file("f", "replaces the link")});
    CHECK(err.empty());
    CHECK(dir_is_empty(outside.path()));
}

TEST_CASE("hard links to outside the layer are refused, links to symlinks stay inside") {
    StoreFixture f;
    TempDir outside;
    std::ofstream(outside / "secret") << "host file";
    CHECK_THAT(unpack_error(f, {TarEntry::hardlink("hl", "../../../../../../../.." + (outside / "secret").string())}),
               Catch::Contains("refused"));
    CHECK_THAT(unpack_error(f, {TarEntry::hardlink("hl", (outside / "secret").string())}),
               Catch::Contains("absolute path refused"));
    CHECK_THAT(unpack_error(f, {TarEntry::symlink("out", outside.path().string()), TarEntry::hardlink("hl", "out/secret")}),
               Catch::Contains("leaves the layer"));
    std::filesystem::remove(outside / "secret");
    CHECK(dir_is_empty(outside.path()));
}

TEST_CASE("device nodes, fifos, ownership, modes, xattrs and mtimes are kept") {
    StoreFixture f;
    TarEntry dev;
    dev.path = "dev/null";
    dev.type = TarEntry::Type::CharDev;
    dev.dev_major = 1;
    dev.dev_minor = 3;
    dev.mode = 0666;
    TarEntry fifo;
    fifo.path = "run/fifo";
    fifo.type = TarEntry::Type::Fifo;
    fifo.mode = 0600;
    TarEntry owned = TarEntry::file("home/u/file", "data", 04755);
    owned.uid = 1234;
    owned.gid = 5678;
    owned.xattrs = {{"user.note", "kept"}, {"trusted.overlay.redirect", "/etc"}};
    TarEntry locked = TarEntry::dir("locked", 0500);
    locked.uid = 42;

    TempDir t;
    write_tar(t / "layer.tar", {dev, fifo, owned, locked, TarEntry::file("locked/inside", "y")});
    std::string bytes = slurp(t / "layer.tar");
    image::Digest d = f.store.put_blob(bytes);
    auto root = f.store.ensure_layer({image::media_type::kOciLayer, d, static_cast<int64_t>(bytes.size()), {}, {}}, d);

    struct stat st {};
    REQUIRE(::lstat((root / "dev/null").c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(1, 3));
    REQUIRE(::lstat((root / "run/fifo").c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    REQUIRE(::lstat((root / "home/u/file").c_str(), &st) == 0);
    CHECK(st.st_uid == 1234);
    CHECK(st.st_gid == 5678);
    CHECK((st.st_mode & 07777) == 04755);
    CHECK(st.st_mtime == 1700000000);
    CHECK(xattr(root / "home/u/file", "user.note") == "kept");
    CHECK(xattr(root / "home/u/file", "trusted.overlay.redirect").empty());  // never from an archive
    REQUIRE(::lstat((root / "locked").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0500);
    CHECK(st.st_uid == 42);
    CHECK(st.st_mtime == 1700000000);  // set after its contents were written
    CHECK(slurp(root / "locked/inside") == "y");
}

TEST_CASE("a layer whose content does not match its diff id is refused") {
    StoreFixture f;
    TempDir t;
    write_tar(t / "layer.tar", {TarEntry::file("a", "1")});
    std::string bytes = slurp(t / "layer.tar");
    image::Digest d = f.store.put_blob(bytes);
    image::Digest wrong = image::Digest::of("something else");
    REQUIRE_THROWS_WITH(f.store.ensure_layer({image::media_type::kOciLayer, d, 1, {}, {}}, wrong),
                        Catch::Contains("refused") && Catch::Contains(wrong.str()));
    CHECK_FALSE(f.store.layer_root(wrong));
    CHECK(dir_is_empty(f.dir / "images/tmp"));
}
