#pragma once
// A private temp directory for the watch tests, removed on scope exit, and a file writer.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace stk::watch::testing {

struct TempTree {
    std::filesystem::path path;
    explicit TempTree(const std::string& tag) {
        static std::atomic<int> n{0};
        path = std::filesystem::temp_directory_path() /
               ("stk-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempTree() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

}  // namespace stk::watch::testing
