#pragma once
// Runs a shell command line for a test and returns its output (stdout and stderr), with
// "[exit status N]" appended when it failed.
#include <cstdio>
#include <string>

namespace stk::test {

inline std::string run_shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return "popen failed";
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = ::pclose(p);
    if (status != 0) out += "\n[exit status " + std::to_string(status) + "]";
    return out;
}

}  // namespace stk::test
