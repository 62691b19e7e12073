#pragma once
// A store in a private temporary directory, and ways to look at unpacked layers.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <string>

#include "image/store/image_store.hpp"
#include "runtime/sys/error.hpp"
#include "tests/support/busybox_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace stk::test {

struct StoreFixture {
    TempDir dir{"stk-store"};
    image::ImageStore store{dir / "images"};
};

inline bool is_whiteout(const std::filesystem::path& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

inline std::string xattr(const std::filesystem::path& p, const char* name) {
    char buf[64];
    ssize_t n = ::lgetxattr(p.c_str(), name, buf, sizeof buf);
    return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

inline bool dir_is_empty(const std::filesystem::path& p) {
    return !std::filesystem::exists(p) || std::filesystem::is_empty(p);
}

}  // namespace stk::test
