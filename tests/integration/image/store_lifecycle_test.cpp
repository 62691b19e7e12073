#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "image/archive/import_archive.hpp"
#include "tests/integration/image/store_fixture.hpp"

using namespace stk;
using namespace stk::test;

TEST_CASE("blob writer refuses content that does not match the expected digest") {
    StoreFixture f;
    image::Digest expected = image::Digest::of("right");
    auto w = f.store.blob_writer(expected);
    w.write("wrong");
    REQUIRE_THROWS_WITH(w.commit(), Catch::Contains("refused"));
    CHECK_FALSE(f.store.has_blob(expected));
    CHECK(dir_is_empty(f.dir / "images/tmp"));
    // Dropped without commit: nothing stays either.
    { auto w2 = f.store.blob_writer(); w2.write("abandoned"); }
    CHECK(dir_is_empty(f.dir / "images/tmp"));
    CHECK(f.store.put_blob("right", expected) == expected);
    CHECK(f.store.read_blob(expected) == "right");
}

TEST_CASE("a corrupted blob in the store is detected when read or unpacked") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/rot:1", .two_layers = false, .compression = TarCompression::None});
    image::import_archive(f.store, img.oci_archive());
    image::Digest layer = img.manifest().layers.at(0).digest;
    image::Digest diff = image::Digest::parse(img.config().diff_ids.at(0));
    // Damage the blob on disk, drop the unpacked layer: resolving must not trust the blob.
    {
        std::fstream b(f.store.blob_path(layer), std::ios::in | std::ios::out | std::ios::binary);
        b.seekp(700);
        b.put('!');
    }
    std::filesystem::remove_all(f.dir / "images/layers" / diff.hex());
    REQUIRE_THROWS_WITH(f.store.resolve("stk-test/rot:1"), Catch::Contains("refused"));
    CHECK_FALSE(f.store.layer_root(diff));
    std::fstream m(f.store.blob_path(img.manifest_digest()), std::ios::in | std::ios::out | std::ios::binary);
    m.seekp(3);
    m.put('#');
    m.close();
    REQUIRE_THROWS_WITH(f.store.resolve("stk-test/rot:1"), Catch::Contains("corrupted"));
}

TEST_CASE("an interrupted unpack is discarded and done again") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/interrupted:1"});
    image::import_archive(f.store, img.docker_archive());
    image::Digest top = image::Digest::parse(img.config().diff_ids.back());
    auto dir = f.dir / "images/layers" / top.hex();
    // What a killed unpack leaves: a directory without its marker, with partial content.
    std::filesystem::remove(dir / "complete");
    std::filesystem::remove(dir / "root/app/layer2.txt");
    std::ofstream(dir / "root/partial") << "half";
    std::filesystem::create_directories(f.dir / "images/tmp/unpack-deadbeef-XXXXXX/root");
    CHECK_FALSE(f.store.layer_root(top));

    image::ImageRecord r = f.store.resolve("stk-test/interrupted:1");
    CHECK(std::filesystem::exists(dir / "complete"));
    CHECK(std::filesystem::exists(r.layer_dirs.back() / "app/layer2.txt"));
    CHECK_FALSE(std::filesystem::exists(r.layer_dirs.back() / "partial"));
    f.store.prune();
    CHECK(dir_is_empty(f.dir / "images/tmp"));
    CHECK(f.store.layer_root(top));
}

TEST_CASE("concurrent unpacks of one layer from threads and processes unpack it once") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/concurrent:1", .two_layers = false});
    auto layer = img.manifest().layers.at(0);
    {
        auto w = f.store.blob_writer(layer.digest);
        w.write(slurp(img.blob(layer.digest)));
        w.commit();
    }
    image::Digest diff = image::Digest::parse(img.config().diff_ids.at(0));
    std::vector<pid_t> children;
    for (int i = 0; i < 2; ++i) {
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                image::ImageStore(f.dir / "images").ensure_layer(layer, diff);
                ::_exit(0);
            } catch (...) {
                ::_exit(1);
            }
        }
        children.push_back(pid);
    }
    std::vector<std::filesystem::path> got(6);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] { got[i] = f.store.ensure_layer(layer, diff); });
    for (auto& t : threads) t.join();
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    for (const auto& p : got) CHECK(p == got.front());
    // One unpack: a second would have replaced the directory, changing the marker's inode.
    struct stat first {}, now {};
    REQUIRE(::stat((got.front().parent_path() / "complete").c_str(), &first) == 0);
    f.store.ensure_layer(layer, diff);
    REQUIRE(::stat((got.front().parent_path() / "complete").c_str(), &now) == 0);
    CHECK(first.st_ino == now.st_ino);
    size_t dirs = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(f.dir / "images/layers")) ++dirs;
    CHECK(dirs == 1);
    CHECK(dir_is_empty(f.dir / "images/tmp"));
}

TEST_CASE("rmi keeps layers other images share, prune removes what no image uses") {
    StoreFixture f;
    BusyboxImage two({.reference = "stk-test/two:1"});
    BusyboxImage one({.reference = "stk-test/one:1", .two_layers = false});
    image::import_archive(f.store, two.docker_archive());
    image::import_archive(f.store, one.oci_archive());
    f.store.tag(image::Reference::parse("stk-test/two:alias"), f.store.resolve("stk-test/two:1").manifest_digest);
    image::Digest base = image::Digest::parse(two.config().diff_ids.at(0));
    image::Digest top = image::Digest::parse(two.config().diff_ids.at(1));
    CHECK(base == image::Digest::parse(one.config().diff_ids.at(0)));  // the same base layer
    CHECK(f.store.list().size() == 2);

    // One of two tags: the image stays.
    auto removed = f.store.remove("stk-test/two:alias");
    CHECK(removed.size() == 1);
    CHECK(f.store.layer_root(top));
    // The last tag: the image, its digest reference and its own layer go; the shared one stays.
    removed = f.store.remove("stk-test/two:1");
    CHECK(removed.size() == 2);
    CHECK_FALSE(f.store.layer_root(top));
    CHECK(f.store.layer_root(base));
    CHECK_FALSE(f.store.has_blob(two.config_digest()));
    REQUIRE_THROWS_WITH(f.store.remove("stk-test/two:1"), Catch::Contains("not in the local image store"));

    // An image in use (kept) survives losing its tags until it is no longer in use.
    image::Digest md = f.store.resolve("stk-test/one:1").manifest_digest;
    f.store.remove(one.config_digest().short_hex(), {md});
    CHECK(f.store.layer_root(base));
    CHECK(f.store.list().empty());
    auto report = f.store.prune();
    CHECK_FALSE(f.store.layer_root(base));
    CHECK(report.layers_removed.size() == 1);
    CHECK(report.bytes_freed > 1000000);
    CHECK(dir_is_empty(f.dir / "images/blobs/sha256"));
}
