#include "orchestrator/supervise/state/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::supervise {

namespace fs = std::filesystem;

namespace {

// Holds a flock on the project's lock file for its lifetime.
class StateLock {
public:
    StateLock(const fs::path& dir, bool exclusive) {
        fs::path path = dir / "state.lock";
        fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd_) throw_errno("open \"" + path.string() + "\"");
        int op = exclusive ? LOCK_EX : LOCK_SH;
        while (::flock(fd_.get(), op) != 0) {
            if (errno != EINTR) throw_errno("flock \"" + path.string() + "\"");
        }
    }

private:
    UniqueFd fd_;
};

ProjectState parse_state(const fs::path& file, const std::string& text) {
    try {
        return nlohmann::json::parse(text).get<ProjectState>();
    } catch (const nlohmann::json::exception& e) {
        throw Error("parse \"" + file.string() + "\": " + e.what());
    }
}

std::optional<ProjectState> load_unlocked(const fs::path& file) {
    auto text = read_file_if_exists(file);
    if (!text) return std::nullopt;
    return parse_state(file, *text);
}

void save_unlocked(const fs::path& file, const ProjectState& state) {
    write_file_atomic(file, nlohmann::json(state).dump(2) + "\n", 0600, FileSync::Volatile);
}

}  // namespace

bool valid_project_name(const std::string& name) {
    if (name.empty()) return false;
    auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!ok_first(name[0])) return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return ok_first(c) || c == '-' || c == '_'; });
}

StateStore::StateStore(fs::path run_root, std::string project)
    : run_root_(std::move(run_root)), project_(std::move(project)), dir_(run_root_ / project_) {
    if (!valid_project_name(project_))
        throw Error("invalid project name \"" + project_ +
                    "\": use lowercase letters, digits, '-' and '_', starting with a letter "
                    "or digit");
}

std::optional<ProjectState> StateStore::load() const {
    return with_context("load state of project \"" + project_ + "\"",
                        [&]() -> std::optional<ProjectState> {
                            if (!fs::exists(dir_)) return std::nullopt;
                            StateLock lock(dir_, false);
                            return load_unlocked(state_file());
                        });
}

void StateStore::save(const ProjectState& state) {
    with_context("save state of project \"" + project_ + "\"", [&] {
        fs::create_directories(dir_);
        StateLock lock(dir_, true);
        save_unlocked(state_file(), state);
    });
}

ProjectState StateStore::update(const std::function<void(ProjectState&)>& change) {
    return with_context("update state of project \"" + project_ + "\"", [&] {
        fs::create_directories(dir_);
        StateLock lock(dir_, true);
        ProjectState state = load_unlocked(state_file()).value_or(ProjectState{});
        state.project = project_;
        change(state);
        save_unlocked(state_file(), state);
        return state;
    });
}

void StateStore::remove() {
    with_context("remove state of project \"" + project_ + "\"", [&] {
        std::error_code ec;
        fs::remove_all(dir_, ec);
        if (ec) throw Error("remove \"" + dir_.string() + "\": " + ec.message(), ec);
    });
}

std::vector<std::string> list_projects(const fs::path& run_root) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(run_root, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) return names;
        throw Error("list projects in \"" + run_root.string() + "\": " + ec.message(), ec);
    }
    for (const auto& entry : it) {
        std::string name = entry.path().filename().string();
        if (entry.is_directory() && valid_project_name(name) &&
            fs::exists(entry.path() / "state.json"))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<uint64_t> process_start_time(int pid) {
    if (pid <= 0) return std::nullopt;
    auto stat = read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    size_t close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    size_t pos = close + 2;  // field 3 starts here
    for (int field = 3; field < 22; ++field) {
        pos = stat->find(' ', pos);
        if (pos == std::string::npos) return std::nullopt;
        ++pos;
    }
    return std::stoull(stat->substr(pos, stat->find(' ', pos) - pos));
}

bool process_alive(int pid, uint64_t start_time) {
    auto now = process_start_time(pid);
    if (!now || *now != start_time) return false;
    // A zombie has exited: a killed supervisor may wait long for whoever reaps orphans here.
    auto stat = read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    size_t close = stat ? stat->rfind(')') : std::string::npos;
    return close == std::string::npos || close + 2 >= stat->size() ||
           ((*stat)[close + 2] != 'Z' && (*stat)[close + 2] != 'X');
}

}  // namespace stk::supervise
