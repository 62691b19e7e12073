#include <fcntl.h>

#include <catch2/catch.hpp>

#include "runtime/rootfs/user_lookup.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"
#include "tests/unit/runtime/rootfs_temp_dir.hpp"

using stk::runtime::resolve_user;

namespace {

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "app:x:1000:1000:App User:/home/app:/bin/sh\n"
    "nohome:x:1001:1001::/:/bin/sh\n"
    "broken line without fields\n";

constexpr const char* kGroup =
    "root:x:0:\n"
    "daemon:x:1:\n"
    "wheel:x:10:root,app\n"
    "audio:x:29:app\n"
    "app:x:1000:\n"
    "staff:x:50:daemon\n";

struct Root {
    stk::test::RootfsTempDir dir;
    stk::UniqueFd fd;
    Root() {
        dir.write("etc/passwd", kPasswd);
        dir.write("etc/group", kGroup);
        fd.reset(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
};

}  // namespace

TEST_CASE("rootfs: empty user spec is root with its home", "[rootfs]") {
    Root r;
    auto u = resolve_user(r.fd.get(), "");
    CHECK(u.uid == 0);
    CHECK(u.gid == 0);
    CHECK(u.home == "/root");
    CHECK(u.groups == std::vector<gid_t>{10});
}

TEST_CASE("rootfs: user name resolves uid, gid, home and supplementary groups", "[rootfs]") {
    Root r;
    auto u = resolve_user(r.fd.get(), "app");
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1000);
    CHECK(u.home == "/home/app");
    CHECK(u.groups == std::vector<gid_t>{10, 29});
}

TEST_CASE("rootfs: numeric uid listed in passwd takes its gid and groups", "[rootfs]") {
    Root r;
    auto u = resolve_user(r.fd.get(), "1000");
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1000);
    CHECK(u.groups == std::vector<gid_t>{10, 29});
}

TEST_CASE("rootfs: numeric uid missing from passwd gets gid 0 and home /", "[rootfs]") {
    Root r;
    auto u = resolve_user(r.fd.get(), "4242");
    CHECK(u.uid == 4242);
    CHECK(u.gid == 0);
    CHECK(u.home == "/");
    CHECK(u.groups.empty());
}

TEST_CASE("rootfs: explicit group by name or number overrides the primary gid", "[rootfs]") {
    Root r;
    CHECK(resolve_user(r.fd.get(), "app:staff").gid == 50);
    CHECK(resolve_user(r.fd.get(), "daemon:777").gid == 777);
    auto u = resolve_user(r.fd.get(), "4242:audio");
    CHECK(u.uid == 4242);
    CHECK(u.gid == 29);
}

TEST_CASE("rootfs: unknown user or group names are errors naming them", "[rootfs]") {
    Root r;
    CHECK_THROWS_WITH(
        resolve_user(r.fd.get(), "ghost"),
        Catch::Contains("resolve user \"ghost\"") && Catch::Contains("no user \"ghost\""));
    CHECK_THROWS_WITH(resolve_user(r.fd.get(), "app:ghosts"),
                      Catch::Contains("no group \"ghosts\""));
    CHECK_THROWS_AS(resolve_user(r.fd.get(), ":50"), stk::Error);
    CHECK_THROWS_AS(resolve_user(r.fd.get(), "app:"), stk::Error);
}

TEST_CASE("rootfs: a rootfs without /etc/passwd accepts numeric ids only", "[rootfs]") {
    stk::test::RootfsTempDir dir;
    stk::UniqueFd fd(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    auto u = resolve_user(fd.get(), "123:456");
    CHECK(u.uid == 123);
    CHECK(u.gid == 456);
    CHECK_THROWS_AS(resolve_user(fd.get(), "root"), stk::Error);
}

TEST_CASE("rootfs: /etc symlinked out of the root never reads the host's passwd", "[rootfs]") {
    stk::test::RootfsTempDir dir;
    // Resolved inside the root, "/../../.." is the root itself, which has no passwd; on the
    // host it would be "/" and /etc/passwd would list root.
    std::filesystem::create_directory_symlink("/../../..", dir.path() / "etc");
    stk::UniqueFd fd(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    CHECK_THROWS_WITH(resolve_user(fd.get(), "root"), Catch::Contains("no user \"root\""));
}
