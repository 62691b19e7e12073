#pragma once
// Points STACK_RUN_ROOT at a fresh temporary directory for the life of the test process (each
// ctest test is its own process) and removes it at exit: the seccomp program cache lives there.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace stk::testing {

class PrivateRunRoot {
public:
    PrivateRunRoot() {
        std::string pattern = (std::filesystem::temp_directory_path() / "stk-sec-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        dir_ = pattern;
        ::setenv("STACK_RUN_ROOT", dir_.c_str(), 1);
    }
    ~PrivateRunRoot() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

// One per test program, set up before any test case runs.
inline PrivateRunRoot& private_run_root() {
    static PrivateRunRoot root;
    return root;
}
inline const bool kPrivateRunRootReady = (private_run_root(), true);

}  // namespace stk::testing
