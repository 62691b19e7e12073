#pragma once
#include <string>

namespace stk::runtime {

// Now as RFC 3339 in UTC with nanoseconds: 2026-11-29T08:00:00.123456789Z.
std::string rfc3339_now();
// Writes the same into buf (at least 31 bytes) without allocating; returns the length.
size_t rfc3339_now(char* buf, size_t size) noexcept;

}  // namespace stk::runtime
