#pragma once
// Which project a read-only command (ps, logs) looks at, without loading the whole model:
// -p, else COMPOSE_PROJECT_NAME, else the stack file's `name:` or its directory's name.
#include <string>

namespace stk::cli {
struct GlobalOptions;
}

namespace stk::cli::output {

// Throws LoadError when no -p is given and no stack file is found.
std::string target_project(const GlobalOptions& global);

}  // namespace stk::cli::output
