#pragma once
// `stack down` as a function, for the commands that end with it (`wait --down-project`).
namespace stk::cli {

struct GlobalOptions;

struct DownFlags {
    bool volumes = false;
    int timeout_s = -1;
    bool remove_orphans = false;
};

// Through the supervisor when it runs, else from the state on disk; the exit code.
int down_project(const GlobalOptions& g, const DownFlags& f);

}  // namespace stk::cli
