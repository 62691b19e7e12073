#include "image/build/fs/layer_diff.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "image/build/context/copy_plan.hpp"
#include "image/build/fs/apply_copy.hpp"
#include "image/build/fs/layer_view.hpp"
#include "image/store/image_store.hpp"
#include "runtime/sys/file_util.hpp"

namespace fs = std::filesystem;
using namespace stk::build;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "stk-build-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()));
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& content, mode_t mode = 0644) {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel) << content;
        ::chmod((path / rel).c_str(), mode);
    }
};

// name -> (type, size, link target) of every entry of a tar file.
struct TarEntry {
    mode_t type;
    int64_t size;
    std::string link;
    mode_t perm;
    std::string content;
};
std::map<std::string, TarEntry> read_tar(const fs::path& file) {
    std::map<std::string, TarEntry> out;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    REQUIRE(archive_read_open_filename(a, file.c_str(), 4096) == ARCHIVE_OK);
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        TarEntry t{archive_entry_filetype(e), archive_entry_size(e), "", archive_entry_perm(e), ""};
        if (const char* h = archive_entry_hardlink(e)) t.link = h;
        if (const char* s = archive_entry_symlink(e)) t.link = s;
        std::string data(static_cast<size_t>(t.size), '\0');
        if (t.size > 0) archive_read_data(a, data.data(), data.size());
        t.content = data;
        out[archive_entry_pathname(e)] = t;
    }
    archive_read_free(a);
    return out;
}

}  // namespace

TEST_CASE("layer diff: overlay whiteouts become OCI whiteouts, hard links stay links", "[diff]") {
    TempDir store_dir, upper;
    upper.write("app/new.txt", "new");
    REQUIRE(::link((upper.path / "app/new.txt").c_str(), (upper.path / "app/twin").c_str()) == 0);
    fs::create_symlink("new.txt", upper.path / "app/link");
    REQUIRE(::mknod((upper.path / "app/gone").c_str(), S_IFCHR | 0, makedev(0, 0)) == 0);
    fs::create_directories(upper.path / "data/opaque");
    REQUIRE(::setxattr((upper.path / "data/opaque").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
    upper.write("data/opaque/only.txt", "only");
    fs::create_directories(upper.path / "proc");

    stk::image::ImageStore store(store_dir.path / "images");
    auto writer = store.blob_writer();
    auto blob = write_layer_diff(upper.path, writer,
                                 [](const std::string& rel, const struct stat&) { return rel == "proc"; });
    REQUIRE(store.has_blob(blob.digest));
    auto tar = read_tar(store.blob_path(blob.digest));
    CHECK(tar.count("app/"));
    CHECK(tar.at("app/new.txt").content == "new");
    CHECK(tar.at("app/twin").link == "app/new.txt");
    CHECK(tar.at("app/link").type == AE_IFLNK);
    CHECK(tar.at("app/link").link == "new.txt");
    CHECK(tar.at("app/.wh.gone").type == AE_IFREG);
    CHECK(tar.at("app/.wh.gone").size == 0);
    CHECK_FALSE(tar.count("app/gone"));
    CHECK(tar.count("data/opaque/.wh..wh..opq"));
    CHECK(tar.count("data/opaque/only.txt"));
    CHECK_FALSE(tar.count("proc/"));

    // The same change gives the same digest.
    auto again = store.blob_writer();
    CHECK(write_layer_diff(upper.path, again, [](const std::string& rel, const struct stat&) {
              return rel == "proc";
          }).digest == blob.digest);

    // Unpacked by the store, the layer is what overlayfs expects again.
    stk::image::Descriptor d{stk::image::media_type::kOciLayer, blob.digest, static_cast<int64_t>(blob.size), {}, {}};
    auto root = store.ensure_layer(d, blob.digest);
    struct stat st {};
    REQUIRE(::lstat((root / "app/gone").c_str(), &st) == 0);
    CHECK(is_whiteout(st));
    CHECK(is_opaque_dir(root / "data/opaque"));
}

TEST_CASE("layer view: whiteouts and opaque directories hide lower layers", "[diff]") {
    TempDir lower, upper;
    lower.write("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    lower.write("etc/group", "root:x:0:\nstaff:x:50:\n");
    lower.write("etc/doomed", "x");
    lower.write("data/old.txt", "old");
    lower.write("data/keep/a", "a");
    REQUIRE(::mknod((fs::create_directories(upper.path / "etc"), upper.path / "etc/doomed").c_str(),
                    S_IFCHR, makedev(0, 0)) == 0);
    fs::create_directories(upper.path / "data");
    REQUIRE(::setxattr((upper.path / "data").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
    upper.write("data/new.txt", "new");
    LayerView view({upper.path, lower.path});
    CHECK(view.lookup("etc/passwd"));
    CHECK_FALSE(view.lookup("etc/doomed"));
    CHECK_FALSE(view.lookup("data/old.txt"));
    CHECK_FALSE(view.lookup("data/keep/a"));
    CHECK(view.lookup("data/new.txt"));
    CHECK(view.list("etc") == std::vector<std::string>{"group", "passwd"});
    CHECK(view.list("data") == std::vector<std::string>{"new.txt"});
    CHECK(resolve_chown("app", view) == std::pair<uid_t, gid_t>{1000, 1000});
    CHECK(resolve_chown("app:staff", view) == std::pair<uid_t, gid_t>{1000, 50});
    CHECK(resolve_chown("7:8", view) == std::pair<uid_t, gid_t>{7, 8});
    CHECK_THROWS_WITH(resolve_chown("nobody", view), Catch::Contains("unknown user \"nobody\""));
}

TEST_CASE("copy: plan, hash and apply follow docker's COPY rules", "[copy]") {
    TempDir ctx, image, staging;
    ctx.write("src/a.txt", "a");
    ctx.write("src/sub/b.txt", "b", 0600);
    ctx.write("src/skip.log", "log");
    ctx.write("top.txt", "top");
    ctx.write(".dockerignore", "**/*.log\n");
    image.write("app/existing", "e");
    ::chmod((image.path / "app").c_str(), 0750);
    ContextTree tree(ctx.path, IgnoreMatcher::load(ctx.path));
    LayerView view({image.path});

    auto plan = plan_copy(tree, {"src"}, "/app/", true, false);
    std::vector<std::string> dests;
    for (const auto& e : plan.entries) dests.push_back(e.dest);
    CHECK(dests == std::vector<std::string>{"/app/a.txt", "/app/sub", "/app/sub/b.txt"});

    auto single = plan_copy(tree, {"top.txt"}, "/opt/renamed", false, false);
    REQUIRE(single.entries.size() == 1);
    CHECK(single.entries[0].dest == "/opt/renamed");
    auto wild = plan_copy(tree, {"src/*.txt", "top.txt"}, "/w/", false, false);
    CHECK(wild.entries.size() == 2);
    CHECK_THROWS_WITH(plan_copy(tree, {"missing"}, "/x", false, false), Catch::Contains("not found in build context"));
    CHECK_THROWS_WITH(plan_copy(tree, {"src/skip.log"}, "/x", false, false), Catch::Contains("excluded by .dockerignore"));
    CHECK_THROWS_WITH(plan_copy(tree, {"../etc"}, "/x", false, false), Catch::Contains("outside the build context"));
    CHECK_THROWS_WITH(plan_copy(tree, {"http://example.com/x"}, "/x", false, true), Catch::Contains("remote URL"));

    FileHashCache cache;
    std::string h1 = hash_copy_plan(plan, cache);
    CHECK(hash_copy_plan(plan, cache) == h1);
    ctx.write("src/sub/b.txt", "changed", 0600);
    FileHashCache fresh;
    CHECK(hash_copy_plan(plan_copy(tree, {"src"}, "/app/", true, false), fresh) != h1);

    CopyOwnership own;
    own.chown = std::make_pair(uid_t(1000), gid_t(1000));
    apply_copy(plan_copy(tree, {"src"}, "/app/", true, false), staging.path, view, own, false);
    struct stat st {};
    REQUIRE(::stat((staging.path / "app").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0750);  // the image's directory keeps its metadata
    CHECK(st.st_uid == 0);
    REQUIRE(::stat((staging.path / "app/sub/b.txt").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(st.st_uid == 1000);
    CHECK(stk::read_file(staging.path / "app/sub/b.txt") == "changed");
    CHECK_FALSE(fs::exists(staging.path / "app/skip.log"));
}
