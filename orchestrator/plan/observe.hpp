#pragma once
// The one impure step before reconcile(): reads the project's state under a shared lock and
// checks which recorded processes are still alive.
#include <filesystem>
#include <string>

#include "orchestrator/plan/reconcile.hpp"

namespace stk::plan {

Observed observe(const std::filesystem::path& run_root, const std::string& project);

// The liveness part alone, for a state already in hand.
std::set<std::string> live_containers(const supervise::ProjectState& state);

}  // namespace stk::plan
