#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"
#include "tests/unit/runtime/rootfs_temp_dir.hpp"

namespace fs = std::filesystem;
using namespace stk::runtime;

namespace {

struct stat stat_fd(int fd) {
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    return st;
}

struct stat stat_path(const fs::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st;
}

bool same_inode(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

struct Root {
    stk::test::RootfsTempDir dir;
    stk::UniqueFd fd;
    Root() {
        dir.write("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        fs::create_directory_symlink("/etc", dir.path() / "abs");
        fs::create_directory_symlink("../../../../../../etc", dir.path() / "rel");
        fs::create_symlink("/etc/shadow", dir.path() / "shadowlink");
        fs::create_symlink("/nonexistent-stk-dir/x", dir.path() / "dangling");
        fd.reset(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(fd.valid());
    }
};

}  // namespace

TEST_CASE("rootfs: absolute symlinks resolve inside the root", "[rootfs]") {
    Root r;
    auto fd = open_in_root(r.fd.get(), "/abs/passwd", O_RDONLY);
    CHECK(same_inode(stat_fd(fd.get()), stat_path(r.dir.path() / "etc/passwd")));
}

TEST_CASE("rootfs: relative symlinks and .. cannot climb above the root", "[rootfs]") {
    Root r;
    auto via_link = open_in_root(r.fd.get(), "rel/passwd", O_RDONLY);
    CHECK(same_inode(stat_fd(via_link.get()), stat_path(r.dir.path() / "etc/passwd")));
    auto via_dots = open_in_root(r.fd.get(), "/../../../../etc/passwd", O_RDONLY);
    CHECK(same_inode(stat_fd(via_dots.get()), stat_path(r.dir.path() / "etc/passwd")));
    auto root = open_in_root(r.fd.get(), "/..", O_PATH | O_DIRECTORY);
    CHECK(same_inode(stat_fd(root.get()), stat_path(r.dir.path())));
}

TEST_CASE("rootfs: a missing path is an error naming it", "[rootfs]") {
    Root r;
    CHECK_THROWS_WITH(open_in_root(r.fd.get(), "/no/such", O_RDONLY),
                      Catch::Contains("\"/no/such\"") && Catch::Contains("No such file"));
}

TEST_CASE("rootfs: magic links such as /proc/self/root are refused", "[rootfs]") {
    stk::UniqueFd host_root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    // With the real "/" as root, /proc/self/root is a magic link: RESOLVE_NO_MAGICLINKS stops it.
    CHECK_THROWS_AS(open_in_root(host_root.get(), "/proc/self/root/etc/passwd", O_RDONLY),
                    stk::Error);
}

TEST_CASE("rootfs: mkdir_all_in_root creates through symlinks inside the root only", "[rootfs]") {
    Root r;
    auto fd = mkdir_all_in_root(r.fd.get(), "/abs/stk-new/dir");
    CHECK(same_inode(stat_fd(fd.get()), stat_path(r.dir.path() / "etc/stk-new/dir")));
    CHECK_FALSE(fs::exists("/etc/stk-new"));
    auto again = mkdir_all_in_root(r.fd.get(), "abs//stk-new/./dir/");
    CHECK(same_inode(stat_fd(again.get()), stat_fd(fd.get())));
}

TEST_CASE("rootfs: mkdir_all_in_root refuses to create through a dangling symlink", "[rootfs]") {
    Root r;
    CHECK_THROWS_AS(mkdir_all_in_root(r.fd.get(), "/dangling/sub"), stk::Error);
    CHECK_FALSE(fs::exists("/nonexistent-stk-dir"));
    CHECK_FALSE(fs::exists(r.dir.path() / "nonexistent-stk-dir"));
}

TEST_CASE("rootfs: a file target symlinked to the host's /etc/shadow stays in the root",
          "[rootfs]") {
    Root r;
    struct stat host_before = stat_path("/etc/shadow");
    auto fd = ensure_file_in_root(r.fd.get(), "/shadowlink");
    struct stat created = stat_path(r.dir.path() / "etc/shadow");
    CHECK(S_ISREG(created.st_mode));
    CHECK(created.st_size == 0);
    CHECK(same_inode(stat_fd(fd.get()), created));
    struct stat host_after = stat_path("/etc/shadow");
    CHECK(host_after.st_mtime == host_before.st_mtime);
    CHECK(host_after.st_size == host_before.st_size);
}

TEST_CASE("rootfs: ensure_file_in_root creates parents and keeps existing files", "[rootfs]") {
    Root r;
    auto fd = ensure_file_in_root(r.fd.get(), "/a/b/c.txt", 0600);
    struct stat st = stat_path(r.dir.path() / "a/b/c.txt");
    CHECK(S_ISREG(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);
    auto existing = ensure_file_in_root(r.fd.get(), "/etc/passwd");
    CHECK(stat_fd(existing.get()).st_size > 0);
    CHECK(fd_path(7) == "/proc/self/fd/7");
}
