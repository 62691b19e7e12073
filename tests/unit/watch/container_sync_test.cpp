// container_sync: files into a root directory without leaving it (a temp dir stands in for
// /proc/<pid>/root).
#include "orchestrator/watch/container_sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "runtime/sys/error.hpp"
#include "temp_tree.hpp"

using namespace stk::watch;
using stk::watch::testing::TempTree;
using stk::watch::testing::write_file;
namespace fs = std::filesystem;

namespace {

// A host side and a directory standing in for the container's root.
struct Dir : TempTree {
    Dir() : TempTree("sync") {
        fs::create_directories(path / "host");
        fs::create_directories(path / "root");
    }
    stk::UniqueFd root() const {
        return stk::UniqueFd(::open((path / "root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("container sync: a file lands with its mode, parents created - deletion propagates") {
    Dir d;
    auto root = d.root();
    write_file(d.path / "host/run.sh", "echo hi\n");
    fs::permissions(d.path / "host/run.sh", fs::perms(0750));
    sync_path(root.get(), d.path / "host/run.sh", "/app/bin/run.sh");
    CHECK(read(d.path / "root/app/bin/run.sh") == "echo hi\n");
    struct stat st {};
    REQUIRE(::stat((d.path / "root/app/bin/run.sh").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0750);

    write_file(d.path / "host/run.sh", "echo again\n");
    sync_path(root.get(), d.path / "host/run.sh", "/app/bin/run.sh");
    CHECK(read(d.path / "root/app/bin/run.sh") == "echo again\n");
    // No temporary file is left next to it.
    CHECK(std::distance(fs::directory_iterator(d.path / "root/app/bin"), {}) == 1);

    fs::remove(d.path / "host/run.sh");
    sync_path(root.get(), d.path / "host/run.sh", "/app/bin/run.sh");
    CHECK_FALSE(fs::exists(d.path / "root/app/bin/run.sh"));
    // Deleting what is not there is fine, even when its directory is missing.
    sync_path(root.get(), d.path / "host/run.sh", "/nowhere/run.sh");

    // A deleted directory goes with its content.
    write_file(d.path / "root/app/old/a/b.txt", "x");
    sync_path(root.get(), d.path / "host/old", "/app/old");
    CHECK_FALSE(fs::exists(d.path / "root/app/old"));
}

TEST_CASE("container sync: symlinks inside the root resolve inside it, never on the host") {
    Dir d;
    auto root = d.root();
    std::string escape = "/stk-sync-escape-" + std::to_string(::getpid());
    fs::create_directories(d.path / "root" / escape.substr(1));
    fs::create_symlink(escape, d.path / "root/link");    // absolute: means root/<escape>
    fs::create_symlink("../../..", d.path / "root/up");  // climbs no higher than the root
    write_file(d.path / "host/f.txt", "inside");
    sync_path(root.get(), d.path / "host/f.txt", "/link/f.txt");
    CHECK(read(d.path / "root" / escape.substr(1) / "f.txt") == "inside");
    CHECK_FALSE(fs::exists(fs::path(escape)));
    sync_path(root.get(), d.path / "host/f.txt", "/up/g.txt");
    CHECK(read(d.path / "root/g.txt") == "inside");

    // A symlink is copied as a link; its text is not followed on either side.
    fs::create_symlink("/etc/passwd", d.path / "host/pw");
    sync_path(root.get(), d.path / "host/pw", "/app/pw");
    CHECK(fs::read_symlink(d.path / "root/app/pw") == "/etc/passwd");
    // Writing through that link name replaces the link, not /etc/passwd.
    sync_path(root.get(), d.path / "host/f.txt", "/app/pw");
    CHECK(fs::is_regular_file(fs::symlink_status(d.path / "root/app/pw")));
    CHECK(read(d.path / "root/app/pw") == "inside");
}

TEST_CASE("container sync: errors name the host and target paths") {
    Dir d;
    auto root = d.root();
    write_file(d.path / "root/app", "a file where a directory is needed");
    write_file(d.path / "host/x", "x");
    try {
        sync_path(root.get(), d.path / "host/x", "/app/x");
        FAIL("no error");
    } catch (const stk::Error& e) {
        std::string m = e.what();
        CHECK(m.find((d.path / "host/x").string()) != std::string::npos);
        CHECK(m.find("/app/x") != std::string::npos);
    }
    CHECK_THROWS_AS(open_container_root(0x7ffffff0), stk::Error);
}
