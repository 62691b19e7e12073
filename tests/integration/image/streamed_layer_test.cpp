// A layer unpacked while its blob arrives (what a pull does), and the durability of unpacked
// layers: one syncfs per image, an unsynced layer from an earlier boot unpacked again.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "image/archive/import_archive.hpp"
#include "image/store/boot_id.hpp"
#include "image/store/streamed_layer.hpp"
#include "tests/integration/image/store_fixture.hpp"

using namespace stk;
using namespace stk::test;
namespace fs = std::filesystem;

namespace {

// Feeds `bytes` in uneven pieces, as a network would deliver them.
void feed_in_pieces(image::StreamedLayer& s, const std::string& bytes) {
    size_t at = 0, piece = 1000;
    while (at < bytes.size()) {
        size_t n = std::min(piece, bytes.size() - at);
        s.feed(std::string_view(bytes).substr(at, n));
        at += n;
        piece = piece * 3 % 70001 + 1;
    }
}

}  // namespace

TEST_CASE("a layer streamed into the store is published by finish() only, with its diff id checked") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/stream:1"});
    const auto& layers = img.manifest().layers;
    image::Digest base_diff = image::Digest::parse(img.config().diff_ids.at(0));
    image::Digest top_diff = image::Digest::parse(img.config().diff_ids.at(1));

    SECTION("fed whole, it unpacks the layer with its whiteouts, once") {
        auto s = f.store.stream_layer(layers.at(1), top_diff);
        REQUIRE(s);
        feed_in_pieces(*s, slurp(img.blob(layers.at(1).digest)));
        CHECK_FALSE(f.store.layer_root(top_diff));  // nothing before finish()
        fs::path root = s->finish();
        CHECK(f.store.layer_root(top_diff) == root);
        CHECK(is_whiteout(root / "etc/doomed"));
        CHECK(xattr(root / "data/opaque", "trusted.overlay.opaque") == "y");
        CHECK(fs::exists(root / "app/layer2.txt"));
        CHECK_FALSE(f.store.stream_layer(layers.at(1), top_diff));  // already there
        s.reset();
        CHECK(dir_is_empty(f.dir / "images/tmp"));
    }
    SECTION("dropped before finish() (a digest mismatch, a cut download), nothing stays") {
        std::string bytes = slurp(img.blob(layers.at(0).digest));
        {
            auto s = f.store.stream_layer(layers.at(0), base_diff);
            REQUIRE(s);
            s->feed(std::string_view(bytes).substr(0, bytes.size() / 2));
        }
        CHECK_FALSE(f.store.layer_root(base_diff));
        CHECK(dir_is_empty(f.dir / "images/tmp"));
        CHECK(dir_is_empty(f.dir / "images/layers"));
    }
    SECTION("another layer's bytes: finish() refuses them naming both diff ids") {
        auto s = f.store.stream_layer(layers.at(0), top_diff);
        REQUIRE(s);
        feed_in_pieces(*s, slurp(img.blob(layers.at(0).digest)));
        REQUIRE_THROWS_WITH(s->finish(), Catch::Contains("refused") && Catch::Contains(top_diff.str()) &&
                                             Catch::Contains(base_diff.str()));
        s.reset();
        CHECK_FALSE(f.store.layer_root(top_diff));
        CHECK(dir_is_empty(f.dir / "images/tmp"));
    }
    SECTION("bytes that are no layer at all: finish() says what failed, the rest is still read") {
        auto s = f.store.stream_layer(layers.at(0), base_diff);
        REQUIRE(s);
        std::string junk(300000, 'x');
        feed_in_pieces(*s, junk);  // must not block although the unpack gave up
        REQUIRE_THROWS_WITH(s->finish(), Catch::Contains(layers.at(0).digest.str()));
        s.reset();
        CHECK_FALSE(f.store.layer_root(base_diff));
        CHECK(dir_is_empty(f.dir / "images/tmp"));
    }
}

TEST_CASE("layers are synced once per image, an unsynced layer from an earlier boot is unpacked again") {
    StoreFixture f;
    BusyboxImage img({.reference = "stk-test/durable:1"});
    image::import_archive(f.store, img.oci_archive());
    image::Digest top = image::Digest::parse(img.config().diff_ids.back());
    fs::path dir = f.dir / "images/layers" / top.hex();
    for (const auto& d : img.config().diff_ids)
        CHECK(fs::exists(f.dir / "images/layers" / image::Digest::parse(d).hex() / "synced"));
    auto marker = nlohmann::json::parse(slurp(dir / "complete"));
    CHECK(marker["boot_id"] == image::boot_id());

    // Unpacked in this boot but not yet synced: the page cache still has it all.
    fs::remove(dir / "synced");
    CHECK(f.store.layer_root(top));

    // From an earlier boot without the flag: a power loss may have eaten part of it.
    marker["boot_id"] = "00000000-0000-0000-0000-000000000000";
    std::ofstream(dir / "complete") << marker.dump();
    fs::remove(dir / "root/app/layer2.txt");
    CHECK_FALSE(f.store.layer_root(top));
    image::ImageRecord r = f.store.resolve("stk-test/durable:1");
    CHECK(fs::exists(r.layer_dirs.back() / "app/layer2.txt"));
    CHECK(nlohmann::json::parse(slurp(dir / "complete"))["boot_id"] == image::boot_id());

    // A marker without a boot id (written by a stack that synced each layer) stays trusted.
    marker.erase("boot_id");
    std::ofstream(dir / "complete") << marker.dump();
    fs::remove(dir / "synced");
    CHECK(f.store.layer_root(top));
}
