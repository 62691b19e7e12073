#pragma once
// Runs the real `stack` binary against a private run root holding hand-written project state.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>

#include "orchestrator/supervise/logs/log_record.hpp"
#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/file_util.hpp"

namespace cli_test {

// A temp run root removed on destruction, named by pid and a counter.
struct RunRoot {
    std::filesystem::path path;

    RunRoot() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("stk-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~RunRoot() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    RunRoot(const RunRoot&) = delete;
    RunRoot& operator=(const RunRoot&) = delete;

    std::string env() const { return "STACK_RUN_ROOT='" + path.string() + "' "; }
};

struct Result {
    int exit_code = -1;
    std::string out;
};

// `args` are passed through the shell; stderr goes to stdout when `merge_stderr`.
inline Result run_stack(const RunRoot& root, const std::string& args, bool merge_stderr = false) {
    std::string cmd =
        root.env() + "timeout 20 " + STACK_BINARY + " " + args + (merge_stderr ? " 2>&1" : "");
    Result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// A container that runs as this very test process (alive for as long as the test runs).
inline stk::supervise::ContainerRecord live_record(const std::string& project,
                                                   const std::string& service, int index) {
    stk::supervise::ContainerRecord c;
    c.service = service;
    c.index = index;
    c.name = project + "-" + service + "-" + std::to_string(index);
    c.status = "running";
    c.pid = ::getpid();
    c.pid_start_time = stk::supervise::process_start_time(c.pid).value_or(0);
    c.started_at = stk::supervise::log_time_now() - 190LL * 1'000'000'000;  // 3 minutes ago
    c.config_hash = "abc";
    return c;
}

inline void append_log(const RunRoot& root, const std::string& project,
                       const std::string& container, stk::supervise::LogTime time,
                       const std::string& text) {
    auto dir = root.path / project / "logs";
    std::filesystem::create_directories(dir);
    std::string line = stk::supervise::format_log_record({time, "stdout", text});
    FILE* f = std::fopen((dir / (container + ".log")).c_str(), "a");
    std::fputs(line.c_str(), f);
    std::fclose(f);
}

}  // namespace cli_test
