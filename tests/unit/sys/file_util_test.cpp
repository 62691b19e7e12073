#include <catch2/catch.hpp>

#include <filesystem>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace fs = std::filesystem;

TEST_CASE("write_file_atomic replaces content and leaves no temp file") {
    fs::path dir = fs::temp_directory_path() / ("stk-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto f = dir / "state.json";
    stk::write_file_atomic(f, "one");
    stk::write_file_atomic(f, "two");
    CHECK(stk::read_file(f) == "two");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}

TEST_CASE("read_file names the path and errno text") {
    try {
        stk::read_file("/nonexistent/stk/file");
        FAIL("expected an error");
    } catch (const stk::Error& e) {
        CHECK(std::string(e.what()).find("/nonexistent/stk/file") != std::string::npos);
        CHECK(std::string(e.what()).find("No such file") != std::string::npos);
        CHECK(e.code().value() == ENOENT);
    }
    CHECK_FALSE(stk::read_file_if_exists("/nonexistent/stk/file").has_value());
}

TEST_CASE("Error::wrapped adds one frame of context") {
    stk::Error inner("mount \"/x\" on \"/\": Permission denied");
    auto outer = inner.wrapped("create container \"demo-web-1\"");
    CHECK(std::string(outer.what()) ==
          "create container \"demo-web-1\": mount \"/x\" on \"/\": Permission denied");
}
