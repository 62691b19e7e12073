#pragma once
// The project's state on disk: `<run_root>/<project>/state.json`, written atomically, with a
// flock on `<run_root>/<project>/state.lock` so the CLI and the supervisor never interleave a
// read-modify-write. Readers take a shared lock, writers an exclusive one.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/supervise/state/project_state.hpp"

namespace stk::supervise {

class StateStore {
public:
    // Throws Error when `project` is not a valid project name (it becomes a directory name).
    StateStore(std::filesystem::path run_root, std::string project);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path state_file() const { return dir_ / "state.json"; }

    // nullopt when the project has no state yet.
    std::optional<ProjectState> load() const;
    void save(const ProjectState& state);
    // Read-modify-write under one exclusive lock; starts from an empty state when none exists.
    ProjectState update(const std::function<void(ProjectState&)>& change);
    // `down`: removes the project's directory (state, lock, logs). Idempotent.
    void remove();

private:
    std::filesystem::path run_root_;
    std::string project_;
    std::filesystem::path dir_;
};

// compose's rule: lowercase letters, digits, '-' and '_', starting with a letter or digit.
bool valid_project_name(const std::string& name);

// Projects under `run_root` that have a state file, sorted (for `stack ls`).
std::vector<std::string> list_projects(const std::filesystem::path& run_root);

// Field 22 of /proc/<pid>/stat (clock ticks after boot); nullopt when the process is gone.
std::optional<uint64_t> process_start_time(int pid);

// Whether `pid` still names the process recorded with `start_time` (and not a reused pid).
bool process_alive(int pid, uint64_t start_time);

}  // namespace stk::supervise
