#include <catch2/catch.hpp>

#include "runtime/mount/mount_options.hpp"

using stk::runtime::escape_mount_option;
using stk::runtime::overlay_options;

TEST_CASE("rootfs: plain paths are not escaped", "[rootfs]") {
    CHECK(escape_mount_option("/var/lib/stack/layers/abc") == "/var/lib/stack/layers/abc");
}

TEST_CASE("rootfs: commas, colons and backslashes are escaped", "[rootfs]") {
    CHECK(escape_mount_option("/a,b") == "/a\\,b");
    CHECK(escape_mount_option("/a:b") == "/a\\:b");
    CHECK(escape_mount_option("/a\\b") == "/a\\\\b");
    CHECK(escape_mount_option(",:\\") == "\\,\\:\\\\");
}

TEST_CASE("rootfs: overlay options list lowers topmost first with upper and work", "[rootfs]") {
    CHECK(overlay_options({"/l1", "/l,2:x"}, "/c/upper", "/c/work") ==
          "lowerdir=/l1:/l\\,2\\:x,upperdir=/c/upper,workdir=/c/work");
}

TEST_CASE("rootfs: overlay without upper is a read-only stack of lowers", "[rootfs]") {
    CHECK(overlay_options({"/"}, {}, {}) == "lowerdir=/");
}
