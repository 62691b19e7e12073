#pragma once
// Pause and unpause by name (the cgroup freezer), for a container whose creator is gone:
// `stack pause` when no supervisor runs. The recorded status follows.
#include <string>

namespace stk::runtime {

// Error naming the container when it does not run; no-op when it already is in that state.
void set_container_paused(const std::string& name, bool paused);

}  // namespace stk::runtime
