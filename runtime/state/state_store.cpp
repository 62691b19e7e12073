#include "runtime/state/state_store.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::runtime {

using nlohmann::json;

const char* status_name(Status s) {
    switch (s) {
        case Status::Created: return "created";
        case Status::Running: return "running";
        case Status::Paused: return "paused";
        case Status::Exited: return "exited";
    }
    return "unknown";
}

namespace {

Status status_from_name(const std::string& n) {
    if (n == "created") return Status::Created;
    if (n == "running") return Status::Running;
    if (n == "paused") return Status::Paused;
    if (n == "exited") return Status::Exited;
    throw Error(fmt::format("unknown status \"{}\"", n));
}

}  // namespace

std::filesystem::path container_dir(const std::string& name) {
    return run_root() / "containers" / name;
}
std::filesystem::path state_file(const std::string& name) {
    return container_dir(name) / "state.json";
}
std::filesystem::path monitor_lock_file(const std::string& name) {
    return container_dir(name) / "monitor.lock";
}

void validate_container_name(const std::string& name) {
    auto ok = [](char c, bool first) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               (!first && (c == '_' || c == '.' || c == '-'));
    };
    bool valid = !name.empty() && name.size() <= 64;
    for (size_t i = 0; valid && i < name.size(); ++i) valid = ok(name[i], i == 0);
    if (!valid)
        throw Error(fmt::format("invalid container name \"{}\": use [a-zA-Z0-9][a-zA-Z0-9_.-]*, "
                                "at most 64 characters",
                                name));
}

std::string state_to_json(const ContainerState& s) {
    json j;
    j["name"] = s.name;
    j["status"] = status_name(s.status);
    j["pid"] = s.pid;
    j["pid_start_time"] = s.pid_start_time;
    j["monitor_pid"] = s.monitor_pid;
    if (s.exit) {
        j["exit"] = {{"code", s.exit->code},
                     {"signal", s.exit->signal},
                     {"oom_killed", s.exit->oom_killed},
                     {"exit_code", s.exit->exit_code()}};
    }
    j["created_at"] = s.created_at;
    j["started_at"] = s.started_at;
    j["finished_at"] = s.finished_at;
    j["cgroup"] = s.cgroup;
    j["command"] = s.command;
    j["rootfs"] = s.rootfs;
    j["labels"] = s.labels;
    j["env"] = s.env;
    j["cwd"] = s.cwd;
    j["user"] = s.user;
    j["capabilities"] = s.capabilities;
    j["seccomp"] = s.seccomp;
    j["no_new_privileges"] = s.no_new_privileges;
    j["log_file"] = s.log_file.string();
    j["stop_signal"] = s.stop_signal;
    j["stop_grace_ms"] = s.stop_grace.count();
    return j.dump(2) + "\n";
}

ContainerState state_from_json(const std::string& text) {
    try {
        json j = json::parse(text);
        ContainerState s;
        s.name = j.at("name").get<std::string>();
        s.status = status_from_name(j.at("status").get<std::string>());
        s.pid = j.at("pid").get<pid_t>();
        s.pid_start_time = j.at("pid_start_time").get<uint64_t>();
        s.monitor_pid = j.value("monitor_pid", 0);
        if (j.contains("exit")) {
            const auto& e = j["exit"];
            s.exit = ExitStatus{e.at("code").get<int>(), e.at("signal").get<int>(),
                                e.at("oom_killed").get<bool>()};
        }
        s.created_at = j.value("created_at", "");
        s.started_at = j.value("started_at", "");
        s.finished_at = j.value("finished_at", "");
        s.cgroup = j.value("cgroup", "");
        s.command = j.value("command", std::vector<std::string>{});
        s.rootfs = j.value("rootfs", "");
        s.labels = j.value("labels", std::map<std::string, std::string>{});
        s.env = j.value("env", std::vector<std::string>{});
        s.cwd = j.value("cwd", "/");
        s.user = j.value("user", "");
        s.capabilities = j.value("capabilities", uint64_t{0});
        s.seccomp = j.value("seccomp", true);
        s.no_new_privileges = j.value("no_new_privileges", true);
        s.log_file = j.value("log_file", "");
        s.stop_signal = j.value("stop_signal", 15);
        s.stop_grace = std::chrono::milliseconds(j.value("stop_grace_ms", int64_t{10'000}));
        return s;
    } catch (const json::exception& e) {
        throw Error(fmt::format("malformed state: {}", e.what()));
    }
}

void write_state(const ContainerState& s) {
    with_context(fmt::format("write state of container \"{}\"", s.name),
                 [&] {
                     write_file_atomic(state_file(s.name), state_to_json(s), 0600,
                                       FileSync::Volatile);
                 });
}

std::optional<ContainerState> read_state(const std::string& name) {
    return with_context(fmt::format("read state of container \"{}\"", name),
                        [&]() -> std::optional<ContainerState> {
                            auto text = read_file_if_exists(state_file(name));
                            if (!text) return std::nullopt;
                            return state_from_json(*text);
                        });
}

std::vector<std::string> list_state_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(run_root() / "containers", ec)) {
        if (std::filesystem::exists(entry.path() / "state.json"))
            names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace stk::runtime
