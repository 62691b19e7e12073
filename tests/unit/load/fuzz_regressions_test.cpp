#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/loader_entry.hpp"

namespace fs = std::filesystem;

TEST_CASE("every fuzz regression input and seed loads or fails with a loader error") {
    size_t n = 0;
    for (const char* dir : {"tests/fuzz/regressions", "tests/fuzz/corpus"}) {
        for (const auto& e : fs::directory_iterator(fs::path(STACK_SOURCE_DIR) / dir)) {
            if (!e.is_regular_file() || e.path().filename().string()[0] == '.') continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            INFO(e.path().string());
            CHECK_NOTHROW(stk::fuzz::load_untrusted(ss.str()));
            ++n;
        }
    }
    CHECK(n >= 1);
}
