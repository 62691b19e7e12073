#include "orchestrator/engine/detached_launch.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::engine {

nlohmann::json supervise_request(const load::LoadOptions& load, const UpOptions& up) {
    return nlohmann::json{{"load", load_options_to_json(load)}, {"up", up}};
}

nlohmann::json read_supervise_request(int fd) {
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("read the supervise request", errno);
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return nlohmann::json::parse(data);
}

namespace {

// Best effort: a client that went away must not stop the supervisor.
void write_json_line(int fd, const nlohmann::json& j) {
    std::string s = j.dump() + "\n";
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
}

}  // namespace

void write_ready_report(int fd, const ReadyReport& report) {
    write_json_line(fd, {{"ok", report.ok}, {"error", report.error}, {"lines", report.lines}});
    ::close(fd);
}

void write_progress_line(int fd, const std::string& line) {
    write_json_line(fd, {{"progress", line}});
}

ReadyReport launch_detached_supervisor(const std::string& project, const nlohmann::json& request,
                                       const std::function<void(const std::string&)>& on_progress) {
    auto dir = run_root() / project;
    std::filesystem::create_directories(dir);
    auto log = dir / "supervisor.log";
    int p[2];
    check_sys(::pipe2(p, O_CLOEXEC), "pipe2 for the supervisor's readiness");
    UniqueFd ready_r(p[0]), ready_w(p[1]);
    // The request (with the client's environment) travels on a pipe, never on the command
    // line where every user could read it in /proc/<pid>/cmdline.
    int q[2];
    check_sys(::pipe2(q, O_CLOEXEC), "pipe2 for the supervisor's request");
    UniqueFd req_r(q[0]), req_w(q[1]);
    std::string req = request.dump() + "\n";
    std::string fd_arg = std::to_string(ready_w.get());
    std::string req_fd_arg = std::to_string(req_r.get());
    std::fflush(nullptr);
    pid_t pid = check_sys(::fork(), "fork the supervisor");
    if (pid == 0) {
        // Double fork: the supervisor is nobody's child but init's, and the CLI can exit.
        if (::fork() != 0) ::_exit(0);
        ::setsid();
        int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (null >= 0) ::dup2(null, 0);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        ::fcntl(ready_w.get(), F_SETFD, 0);  // inherited by the exec
        ::fcntl(req_r.get(), F_SETFD, 0);
        if (::chdir("/") != 0) ::_exit(127);
        const char* argv[] = {"stack",         "__supervise",      "--ready-fd", fd_arg.c_str(),
                              "--request-fd", req_fd_arg.c_str(), nullptr};
        ::execv("/proc/self/exe", const_cast<char**>(argv));
        std::fprintf(stderr, "exec the supervisor: %s\n", std::strerror(errno));
        ::_exit(127);
    }
    ready_w.reset();
    req_r.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    for (size_t off = 0; off < req.size();) {
        ssize_t n = ::write(req_w.get(), req.data() + off, req.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the supervisor died: its report (or its absence) tells
        off += static_cast<size_t>(n);
    }
    req_w.reset();
    std::string data, report_line;
    char buf[65536];
    // Up to the report's line only: a probe child forked before the report may still hold
    // the write end.
    while (report_line.empty()) {
        for (size_t nl = data.find('\n'); nl != std::string::npos; nl = data.find('\n')) {
            std::string line = data.substr(0, nl);
            data.erase(0, nl + 1);
            auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
            if (j.is_object() && j.contains("progress")) {
                if (on_progress) on_progress(j["progress"].get<std::string>());
                continue;
            }
            report_line = line;
            break;
        }
        if (!report_line.empty()) break;
        ssize_t n = ::read(ready_r.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    ReadyReport r;
    try {
        auto j = nlohmann::json::parse(report_line);
        r.ok = j.value("ok", false);
        r.error = j.value("error", "");
        r.lines = j.value("lines", std::vector<std::string>{});
        return r;
    } catch (const std::exception&) {
        std::string tail = read_file_if_exists(log).value_or("");
        if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
        r.ok = false;
        r.error = fmt::format("the supervisor exited without reporting (see {}){}{}", log.string(),
                              tail.empty() ? "" : ":\n", tail);
        return r;
    }
}

}  // namespace stk::engine
