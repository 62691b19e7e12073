#pragma once
// A private temporary directory per test case, removed at the end of the test.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace stk::test {

class RootfsTempDir {
public:
    RootfsTempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("stk-rootfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~RootfsTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    RootfsTempDir(const RootfsTempDir&) = delete;
    RootfsTempDir& operator=(const RootfsTempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    void write(const std::string& rel, const std::string& content) const {
        auto p = path_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << content;
    }

private:
    std::filesystem::path path_;
};

}  // namespace stk::test
