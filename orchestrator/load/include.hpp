#pragma once
// `include:`: each included file is loaded as its own project (its own directory and .env, its
// relative paths made absolute) and its services, networks, volumes, secrets and configs are
// copied into the including tree; a name defined on both sides is an error naming both files.
#include <filesystem>

#include "orchestrator/load/file_loader.hpp"

namespace stk::load {

// Applies and removes the `include` key of `root` (read from `file`). Included files are
// interpolated against `env` overlaid with their own env files (`env` wins).
void apply_include(Node& root, const std::filesystem::path& file, const Environment& env,
                   LoadContext& ctx);

}  // namespace stk::load
