#pragma once
// Live editing of a project whose supervisor runs in another process (`stack watch`, or
// `stack up --watch` when the project already runs): a watch session on this process' loop
// that converges through the control socket. Ends on Ctrl-C (the stack keeps running) or
// when the supervisor exits.
#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/load/loader.hpp"

namespace stk::cli {

// Returns the exit code: 0 after Ctrl-C or a `stack down` elsewhere.
int watch_running_project(const load::LoadOptions& options, const engine::UpOptions& up,
                          const load::LoadedProject& loaded);

}  // namespace stk::cli
