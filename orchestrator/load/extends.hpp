#pragma once
// `extends: {service, file?}` / `extends: name`: the base service (recursively resolved, its
// relative paths rebased when it comes from another file) merged under the extending one.
#include <filesystem>

#include "orchestrator/load/file_loader.hpp"

namespace stk::load {

// Resolves every `extends` of the services of `root`, which was read from `file`. Other files
// are read with `env`. Throws LoadError for unknown services/files and cycles ("a -> b -> a").
void apply_extends(Node& root, const std::filesystem::path& file, const Environment& env,
                   LoadContext& ctx);

}  // namespace stk::load
