#pragma once
// A RUN step in a container of our runtime: the `stack` binary's plumbing command
// (`stack container run`) is started as a separate process, because creating a container
// needs a single-threaded process and the builder runs stages on threads. The root is an
// overlay of the layers so far (read-only lower dirs) with a fresh upper dir, no network.
// The caller turns the upper dir into the step's layer, then calls remove().
#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace stk::build {

struct RunStepSpec {
    std::filesystem::path stack_binary;
    std::string container_name;                          // unique, "stkb..."
    std::vector<std::filesystem::path> lower_dirs;       // topmost first; may be empty (scratch)
    std::vector<std::string> argv;
    std::vector<std::string> env;                        // "K=V"
    std::string cwd = "/";
    std::string user;
    std::vector<std::string> volumes;                    // "SRC:DST[:ro]" (RUN --mount)
};

struct RunStepResult {
    int exit_code = 0;
    std::deque<std::string> tail;     // the last lines of output
    std::filesystem::path upper_dir;  // what the command changed (valid until remove())
};

class RunStep {
public:
    explicit RunStep(RunStepSpec spec) : spec_(std::move(spec)) {}
    ~RunStep();  // removes the container (cgroup, state, upper dir) if still there
    RunStep(const RunStep&) = delete;
    RunStep& operator=(const RunStep&) = delete;

    // Runs the command to its end; each output line goes to `on_line`.
    RunStepResult run(const std::function<void(const std::string&)>& on_line);
    void remove() noexcept;

private:
    RunStepSpec spec_;
    std::filesystem::path empty_lower_;
    bool created_ = false;
};

// A name for a build container: "stkb" + 12 random hex digits.
std::string build_container_name();

}  // namespace stk::build
