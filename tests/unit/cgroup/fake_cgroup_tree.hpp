#pragma once
// A temporary directory laid out like /sys/fs/cgroup, with the knob files a test creates.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/sys/file_util.hpp"

namespace stk::test {

class FakeCgroupTree {
public:
    FakeCgroupTree() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "stk-cgfake-XXXXXX").string();
        root_ = ::mkdtemp(tmpl.data());
        ::setenv("STACK_CGROUP_PARENT", "stack", 1);
    }
    ~FakeCgroupTree() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    const std::filesystem::path& root() const { return root_; }

    // Creates the file (and its directories) with `content`.
    void file(const std::string& rel, const std::string& content = "") const {
        auto p = root_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << content;
    }
    void dir(const std::string& rel) const { std::filesystem::create_directories(root_ / rel); }
    // The file's content without a trailing newline.
    std::string read(const std::string& rel) const {
        auto text = stk::read_file(root_ / rel);
        while (!text.empty() && text.back() == '\n') text.pop_back();
        return text;
    }
    bool exists(const std::string& rel) const { return std::filesystem::exists(root_ / rel); }

private:
    std::filesystem::path root_;
};

}  // namespace stk::test
