#pragma once
// Runs the real `stack container ...` binary with STACK_RUN_ROOT, STACK_DATA_ROOT and
// STACK_CGROUP_PARENT pointed at names unique to this test, and on destruction removes every
// container it left, then checks nothing of it remains (state dir, cgroup, mount).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace stk::test {

struct CommandResult {
    int code = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

class StackEnv {
public:
    StackEnv() {
        static std::atomic<int> counter{0};
        id_ = "stkt" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
        std::string tmpl = (std::filesystem::temp_directory_path() / (id_ + "-XXXXXX")).string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        dir_ = tmpl;
        std::filesystem::create_directories(dir_ / "run");
        std::filesystem::create_directories(dir_ / "data");
    }
    ~StackEnv() {
        cleanup();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    const std::string& id() const { return id_; }
    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path run_root() const { return dir_ / "run"; }
    std::string name(const std::string& suffix) const { return id_ + suffix; }

    // Runs `stack <args>`; stdout/stderr go to files so a detached monitor cannot hold a pipe.
    CommandResult stack(const std::vector<std::string>& args) const {
        static std::atomic<int> n{0};
        int k = n++;
        auto out = dir_ / ("out" + std::to_string(k)), err = dir_ / ("err" + std::to_string(k));
        pid_t pid = spawn(args, out, err);
        int status = 0;
        ::waitpid(pid, &status, 0);
        CommandResult r;
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    // Starts `stack <args>` without waiting; returns its pid.
    pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& out,
                const std::filesystem::path& err) const {
        pid_t pid = ::fork();
        if (pid == 0) {
            ::setenv("STACK_RUN_ROOT", run_root().c_str(), 1);
            ::setenv("STACK_DATA_ROOT", (dir_ / "data").c_str(), 1);
            ::setenv("STACK_CGROUP_PARENT", id_.c_str(), 1);
            int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int in = ::open("/dev/null", O_RDONLY);
            ::dup2(in, 0);
            ::dup2(o, 1);
            ::dup2(e, 2);
            std::vector<char*> argv{const_cast<char*>(STACK_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(STACK_BINARY, argv.data());
            ::_exit(127);
        }
        return pid;
    }

    // The recorded status line field of `inspect` ("running", "exited", ...).
    std::string status_of(const std::string& name) const {
        auto r = stack({"container", "inspect", name});
        auto pos = r.out.find("\"status\": \"");
        if (pos == std::string::npos) return "";
        pos += 11;
        return r.out.substr(pos, r.out.find('"', pos) - pos);
    }

    // Waits (bounded) until `inspect` reports `status`.
    bool wait_status(const std::string& name, const std::string& status,
                     std::chrono::milliseconds limit = std::chrono::seconds(10)) const {
        auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (status_of(name) == status) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

    // Every cgroup directory this test's containers could have used.
    std::vector<std::filesystem::path> cgroup_dirs() const {
        std::vector<std::filesystem::path> out;
        std::error_code ec;
        for (const auto& h : std::filesystem::directory_iterator("/sys/fs/cgroup", ec)) {
            auto p = h.path() / id_;
            if (std::filesystem::exists(p, ec)) out.push_back(p);
        }
        return out;
    }

    // Container cgroups left under this test's parent (in any hierarchy).
    std::vector<std::filesystem::path> leftover_cgroups() const {
        std::vector<std::filesystem::path> out;
        for (const auto& parent : cgroup_dirs()) {
            std::error_code ec;
            for (const auto& c : std::filesystem::directory_iterator(parent, ec))
                if (c.is_directory()) out.push_back(c.path());
        }
        return out;
    }

    std::vector<std::string> leftover_state() const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& c : std::filesystem::directory_iterator(run_root() / "containers", ec))
            out.push_back(c.path().filename().string());
        return out;
    }

    std::vector<std::string> leftover_mounts() const {
        std::vector<std::string> out;
        std::istringstream mi(slurp("/proc/self/mountinfo"));
        for (std::string line; std::getline(mi, line);)
            if (line.find(dir_.string()) != std::string::npos) out.push_back(line);
        return out;
    }

    bool clean() const {
        return leftover_cgroups().empty() && leftover_state().empty() && leftover_mounts().empty();
    }

    void cleanup() const {
        std::error_code ec;
        for (const auto& c : std::filesystem::directory_iterator(run_root() / "containers", ec))
            stack({"container", "rm", "-f", c.path().filename().string()});
        for (const auto& c : leftover_cgroups()) ::rmdir(c.c_str());
        for (const auto& p : cgroup_dirs()) ::rmdir(p.c_str());
    }

private:
    std::string id_;
    std::filesystem::path dir_;
};

}  // namespace stk::test
