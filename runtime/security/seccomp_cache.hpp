#pragma once
// The compiled seccomp programs, kept across processes under $STACK_RUN_ROOT/seccomp: every
// `stack container run` is a new process, and compiling with libseccomp costs it ~3 ms of CPU.
// A cached program is used only when it was made by this very binary (device, inode, size and
// mtime of /proc/self/exe), with this libseccomp and on this kernel release; anything else, or a
// file of the wrong shape, is ignored and rewritten.
#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace stk::runtime {

// The cached program for the relevant capability bits `key`, or nullopt.
std::optional<std::vector<sock_filter>> load_cached_seccomp(uint64_t key) noexcept;

// Stores `code` for `key`; failures are logged at debug level only (the cache is an optimisation).
void store_cached_seccomp(uint64_t key, const std::vector<sock_filter>& code) noexcept;

}  // namespace stk::runtime
