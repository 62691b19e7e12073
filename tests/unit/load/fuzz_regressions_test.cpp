#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "orchestrator/load/resolve.hpp"
#include "orchestrator/load/text_check.hpp"
#include "tests/fuzz/loader_entry.hpp"

using namespace std::string_literals;

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

TEST_CASE("a stack file that is not UTF-8 text is refused with its position") {
    using namespace stk::load;
    try {
        parse_yaml("services:\n  web:\n    image: ab\xff\xfe\n", "bad.yaml");
        FAIL("expected a LoadError");
    } catch (const LoadError& e) {
        CHECK(std::string(e.what()) ==
              "bad.yaml:3:14: the file contains an invalid UTF-8 byte 0xff (save it as UTF-8 text)");
    }
    CHECK_FALSE(find_text_problem("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n").has_value());
    CHECK(find_text_problem("\xc0\xaf")->what == "an invalid UTF-8 byte 0xc0");  // overlong '/'
    CHECK(find_text_problem("\xed\xa0\x80")->what == "an invalid UTF-8 byte 0xed");  // surrogate
    CHECK(find_text_problem("a\nb\0c"s)->column == 2);
}
