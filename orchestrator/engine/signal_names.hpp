#pragma once
#include <string>

namespace stk::engine {

// "SIGTERM", "TERM", "term" or "15" -> 15; throws Error for anything else.
int parse_signal(const std::string& text);
// 15 -> "SIGTERM" (or "SIG15" when it has no name).
std::string signal_name(int sig);

}  // namespace stk::engine
