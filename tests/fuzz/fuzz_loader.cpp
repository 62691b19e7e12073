#include <cstddef>
#include <cstdint>

#include "tests/fuzz/loader_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    stk::fuzz::load_untrusted({reinterpret_cast<const char*>(data), size});
    return 0;
}
