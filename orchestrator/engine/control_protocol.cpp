#include "orchestrator/engine/control_protocol.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::engine {
namespace {

using Ms = std::chrono::milliseconds;

// Waits for `events` on fd until the deadline; false on timeout.
bool wait_fd(int fd, short events, std::optional<std::chrono::steady_clock::time_point> deadline) {
    for (;;) {
        int ms = -1;
        if (deadline) {
            auto left = std::chrono::duration_cast<Ms>(*deadline - std::chrono::steady_clock::now());
            ms = left.count() < 0 ? 0 : static_cast<int>(left.count());
        }
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, ms);
        if (r > 0) return true;
        if (r == 0) return false;
        if (errno != EINTR) throw SysError("poll control socket", errno);
    }
}

}  // namespace

std::filesystem::path control_socket_path(const std::string& project) {
    return run_root() / project / "control.sock";
}

void to_json(nlohmann::json& j, const UpOptions& v) {
    j = nlohmann::json{{"services", v.services},     {"no_start", v.no_start},
                       {"force_recreate", v.force_recreate}, {"no_recreate", v.no_recreate},
                       {"no_deps", v.no_deps},       {"remove_orphans", v.remove_orphans},
                       {"wait", v.wait},             {"scale", v.scale},
                       {"parallel", v.parallel}, {"only_selected", v.only_selected}};
    if (v.wait_timeout) j["wait_timeout_ms"] = v.wait_timeout->count();
    if (v.timeout) j["timeout_ms"] = v.timeout->count();
}

void from_json(const nlohmann::json& j, UpOptions& v) {
    v = UpOptions{};
    v.services = j.value("services", std::vector<std::string>{});
    v.no_start = j.value("no_start", false);
    v.force_recreate = j.value("force_recreate", false);
    v.no_recreate = j.value("no_recreate", false);
    v.no_deps = j.value("no_deps", false);
    v.remove_orphans = j.value("remove_orphans", false);
    v.wait = j.value("wait", false);
    v.scale = j.value("scale", std::map<std::string, int>{});
    v.parallel = j.value("parallel", 0);
    v.only_selected = j.value("only_selected", false);
    if (j.contains("wait_timeout_ms")) v.wait_timeout = Ms(j["wait_timeout_ms"].get<int64_t>());
    if (j.contains("timeout_ms")) v.timeout = Ms(j["timeout_ms"].get<int64_t>());
}

nlohmann::json load_options_to_json(const load::LoadOptions& o) {
    nlohmann::json j{{"files", o.files},
                     {"env_files", o.env_files},
                     {"profiles", o.profiles},
                     {"interpolate", o.interpolate},
                     {"working_dir", o.working_dir.string()},
                     {"shell_env", o.shell_env}};
    if (o.project_directory) j["project_directory"] = *o.project_directory;
    if (o.project_name) j["project_name"] = *o.project_name;
    return j;
}

load::LoadOptions load_options_from_json(const nlohmann::json& j) {
    load::LoadOptions o;
    o.files = j.value("files", std::vector<std::string>{});
    o.env_files = j.value("env_files", std::vector<std::string>{});
    o.profiles = j.value("profiles", std::vector<std::string>{});
    o.interpolate = j.value("interpolate", true);
    o.working_dir = j.value("working_dir", std::string{});
    o.shell_env = j.value("shell_env", load::Environment{});
    o.shell_env_from_process = o.shell_env.empty();
    if (j.contains("project_directory")) o.project_directory = j["project_directory"].get<std::string>();
    if (j.contains("project_name")) o.project_name = j["project_name"].get<std::string>();
    return o;
}

nlohmann::json ok_reply(nlohmann::json extra) {
    extra["ok"] = true;
    return extra;
}

nlohmann::json error_reply(const std::string& error) {
    return nlohmann::json{{"ok", false}, {"error", error}};
}

std::optional<nlohmann::json> send_control_request(const std::string& project,
                                                   const nlohmann::json& request,
                                                   std::optional<Ms> timeout,
                                                   const std::function<void(const std::string&)>& on_progress) {
    auto path = control_socket_path(project);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.string().size() >= sizeof(addr.sun_path))
        throw Error(fmt::format("control socket path \"{}\" is too long", path.string()));
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw SysError("socket(AF_UNIX)", errno);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (errno == ENOENT || errno == ECONNREFUSED) return std::nullopt;
        throw SysError(fmt::format("connect \"{}\"", path.string()), errno);
    }
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (timeout) deadline = std::chrono::steady_clock::now() + *timeout;

    std::string out = request.dump() + "\n";
    size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError(fmt::format("send to \"{}\"", path.string()), errno);
        }
        sent += static_cast<size_t>(n);
    }
    std::string in;
    char buf[65536];
    for (;;) {
        // Progress lines first, the reply last: the first line without "progress".
        for (size_t nl; (nl = in.find('\n')) != std::string::npos;) {
            nlohmann::json line;
            try {
                line = nlohmann::json::parse(in.substr(0, nl));
            } catch (const nlohmann::json::exception& e) {
                throw Error(fmt::format("bad reply from the supervisor: {}", e.what()));
            }
            in.erase(0, nl + 1);
            if (!line.is_object() || !line.contains("progress") || line.contains("ok")) return line;
            if (on_progress && line["progress"].is_string()) on_progress(line["progress"].get<std::string>());
        }
        if (!wait_fd(fd.get(), POLLIN, deadline))
            throw Error(fmt::format("no reply from the supervisor on \"{}\" in time", path.string()));
        ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError(fmt::format("read from \"{}\"", path.string()), errno);
        }
        if (n == 0)
            throw Error(fmt::format("the supervisor closed \"{}\" without a reply", path.string()));
        in.append(buf, static_cast<size_t>(n));
    }
}

}  // namespace stk::engine
