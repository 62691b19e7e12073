#pragma once
// The watch target of `stack watch`: the project's supervisor in another process, reached
// through its control socket (`converge` and `restart` requests) and its state file.
#include <string>

#include "orchestrator/watch/watch_target.hpp"

namespace stk::watch {

class RemoteTarget : public WatchTarget {
public:
    explicit RemoteTarget(std::string project) : project_(std::move(project)) {}

    plan::Observed observe() override;
    // Blocks until the supervisor answers: the client has nothing else to do meanwhile
    // (changes keep queueing in inotify and form the next batch).
    void converge(const load::LoadOptions& options, load::LoadedProject loaded,
                  const engine::UpOptions& up, StepDone done) override;
    void restart(const std::string& service, StepDone done) override;
    std::vector<std::pair<std::string, pid_t>> running(const std::string& service) override;

private:
    StepResult request(const nlohmann::json& req);

    std::string project_;
};

}  // namespace stk::watch
