#pragma once
// End-to-end helpers: a project in a private temp dir (run root, data root, cgroup parent and
// project name unique per test), the real `stack` binary run on it, and a guard that runs
// `stack down` and removes the dir even when the test fails.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/supervise/logs/log_record.hpp"

namespace e2e {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Result {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Project {
public:
    explicit Project(const std::string& yaml) {
        static std::atomic<int> counter{0};
        int n = counter++;
        name = "stke2e" + std::to_string(::getpid()) + "x" + std::to_string(n);
        dir = fs::temp_directory_path() / name;
        fs::create_directories(dir / "run");
        fs::create_directories(dir / "data");
        ::setenv("STACK_RUN_ROOT", (dir / "run").c_str(), 1);
        ::setenv("STACK_DATA_ROOT", (dir / "data").c_str(), 1);
        ::setenv("STACK_CGROUP_PARENT", name.c_str(), 1);
        write(yaml);
    }
    ~Project() {
        run({"down", "-t", "1"});
        std::error_code ec;
        fs::remove_all(dir, ec);
        // The private cgroup parent the runtime made (empty once down removed the containers).
        for (const char* c : {"memory", "pids", "cpu", "cpuacct", "cpuset", "freezer", "unified",
                              "blkio", "devices"})
            ::rmdir((fs::path("/sys/fs/cgroup") / c / name).c_str());
    }
    Project(const Project&) = delete;
    Project& operator=(const Project&) = delete;

    void write(const std::string& yaml) {
        std::ofstream(dir / "compose.yaml") << yaml;
    }

    std::vector<std::string> argv(const std::vector<std::string>& args) const {
        std::vector<std::string> a{STACK_BINARY, "-p", name, "-f", (dir / "compose.yaml").string()};
        a.insert(a.end(), args.begin(), args.end());
        return a;
    }

    // Starts `stack <args>` with stdout/stderr to files; returns its pid.
    pid_t spawn(const std::vector<std::string>& args, const std::string& tag) const {
        auto a = argv(args);
        fs::path out = dir / (tag + ".out"), err = dir / (tag + ".err");
        pid_t pid = ::fork();
        if (pid == 0) {
            int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(o, 1);
            ::dup2(e, 2);
            std::vector<char*> v;
            for (auto& s : a) v.push_back(const_cast<char*>(s.c_str()));
            v.push_back(nullptr);
            ::execv(v[0], v.data());
            ::_exit(127);
        }
        return pid;
    }

    static int wait_exit(pid_t pid) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    Result run(const std::vector<std::string>& args) const {
        static std::atomic<int> n{0};
        std::string tag = "run" + std::to_string(n++);
        Result r;
        r.code = wait_exit(spawn(args, tag));
        r.out = slurp(dir / (tag + ".out"));
        r.err = slurp(dir / (tag + ".err"));
        return r;
    }

    fs::path run_dir() const { return dir / "run" / name; }

    nlohmann::json state() const {
        std::string s = slurp(run_dir() / "state.json");
        if (s.empty()) return nlohmann::json::object();
        try {
            return nlohmann::json::parse(s);
        } catch (const std::exception&) {
            return nlohmann::json::object();
        }
    }

    nlohmann::json container(const std::string& cname) const {
        auto st = state();
        if (st.contains("containers"))
            for (const auto& c : st["containers"])
                if (c.value("name", "") == cname) return c;
        return nlohmann::json::object();
    }

    std::string log(const std::string& cname) const {
        return slurp(run_dir() / "logs" / (cname + ".log"));
    }

    std::string cname(const std::string& service, int index = 1) const {
        return name + "-" + service + "-" + std::to_string(index);
    }

    std::string name;
    fs::path dir;
};

// Polls `pred` (the test's side; the product itself never polls) until true or the deadline.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = 10s) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return pred();
}

// Times (ns) of the log lines whose text is `marker`, from a container's log file.
inline std::vector<int64_t> marker_times(const std::string& log, const std::string& marker) {
    std::vector<int64_t> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
        if (auto r = stk::supervise::parse_log_record(line); r && r->text == marker)
            out.push_back(r->time);
    return out;
}

// A zombie counts as gone (whoever reaps orphans here may be slow or absent).
inline bool pid_alive(int pid) {
    if (pid <= 0) return false;
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return false;
    char state = stat[close + 2];
    return state != 'Z' && state != 'X';
}

}  // namespace e2e
