#pragma once
#include <string_view>

namespace stk::fuzz {

// Runs untrusted text through every loader stage that works on text alone: YAML parsing,
// interpolation, merging (the file over itself), decoding, validation, canonical output and the
// dependency graph. Loader errors are the expected answer to bad input; anything else (a crash,
// a hang, a leak, an exception that is not a loader error) is a bug.
void load_untrusted(std::string_view text);

}  // namespace stk::fuzz
