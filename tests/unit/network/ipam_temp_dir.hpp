#pragma once
// A private temporary directory for one test case, removed with everything in it.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace stk::test {

class IpamTempDir {
public:
    IpamTempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("stk-ipam-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~IpamTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    IpamTempDir(const IpamTempDir&) = delete;
    IpamTempDir& operator=(const IpamTempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace stk::test
