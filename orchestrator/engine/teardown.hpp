#pragma once
// `stack down` without a supervisor (it was killed, or `up` was attached and stopped): what
// the state on disk records plus what carries the project's name (containers labelled
// com.docker.compose.project, the namespaces and networks named from them) is stopped and
// removed. Idempotent; never throws: every failure is collected.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/project.hpp"

namespace stk::engine {

struct DownOptions {
    std::optional<std::chrono::milliseconds> timeout;  // -t; else each container's grace
    bool volumes = false;                              // -v: named volumes too
    bool remove_orphans = false;
};

struct TeardownReport {
    std::vector<std::string> removed;  // "Container demo-web-1  Removed", ...
    std::vector<std::string> errors;
    bool nothing_to_do = true;
};

// `model` (may be null) adds the networks and named volumes the file declares.
TeardownReport teardown_from_disk(const std::string& project, const DownOptions& options,
                                  const model::Project* model);

// The anonymous volume name of mount `index` of a container (as container_spec_builder names
// it), and the host directory of any volume, without creating it.
std::string anonymous_volume_prefix(const std::string& project);
std::filesystem::path volume_root(const std::string& volume_name);

// Removes the data of the anonymous volumes of one container (`rm -v`). Errors are appended.
void remove_anonymous_volumes(const std::string& project, const std::string& container,
                              std::vector<std::string>& errors);

// Removes the data of the project's anonymous volumes and, with `named`, of the named ones
// (`<project>_<key>` and the model's explicit names). Errors are appended.
void remove_project_volumes(const std::string& project, const model::Project* model, bool named,
                            std::vector<std::string>& errors);

}  // namespace stk::engine
