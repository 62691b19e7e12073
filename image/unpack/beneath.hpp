#pragma once
// Opening paths under a directory fd that can never resolve outside it:
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS). A symlink that leaves the directory (or
// is absolute) fails with EXDEV, reported as an escape.
#include <string>

#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

// Opens the directory `path` ("" = root_fd itself) under root_fd; nullopt-like invalid fd
// when it is missing or not a directory and missing_ok. Throws Error for an escape or another failure.
UniqueFd open_dir_beneath(int root_fd, const std::string& path, bool missing_ok);

// Opens the directory `path`, creating missing components (mode 0755) one by one.
UniqueFd make_dirs_beneath(int root_fd, const std::string& path);

}  // namespace stk::image
