#pragma once
// A private temporary directory removed (recursively) when the object dies.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace stk::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "stk-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
        path_ = tmpl;
        std::filesystem::permissions(path_, std::filesystem::perms(0755));
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

private:
    std::filesystem::path path_;
};

}  // namespace stk::test
