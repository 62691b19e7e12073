#pragma once
// Logging through spdlog. One logger ("stack") writing to stderr; level from STACK_LOG or -v.
#include <spdlog/spdlog.h>

namespace stk {

// Sets up the stderr logger once; `level` is an spdlog level name ("warn", "debug", ...).
void init_logging(const char* level = nullptr);

}  // namespace stk
