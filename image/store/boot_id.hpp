#pragma once
// The kernel's id of the current boot (/proc/sys/kernel/random/boot_id): what was written
// without a sync in this boot is still in the page cache, whatever happened to the process.
#include <string>

namespace stk::image {

// Read once per process; throws Error naming the file when it cannot be read.
const std::string& boot_id();

}  // namespace stk::image
