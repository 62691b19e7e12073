#pragma once
// An flock(2) on a lock file, held for the object's lifetime. Shared or exclusive; blocking.
// Separate open file descriptions conflict even inside one process, so threads and processes
// are serialised alike.
#include <filesystem>

#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

enum class LockMode { Shared, Exclusive };

// Creates the file when missing; throws SysError naming it.
UniqueFd lock_file(const std::filesystem::path& path, LockMode mode);

}  // namespace stk::image
