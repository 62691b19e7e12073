#pragma once
// Defaults filled as `docker compose config` fills them, resource names from keys, relative
// paths made absolute against the project directory, env_file and label_file read.
#include <filesystem>
#include <vector>

#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/load/options.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::load {

struct NormalizeOptions {
    std::filesystem::path project_dir;  // absolute
    Environment environment;            // the interpolation environment (shell over .env)
    // When set, receives the path of every env_file and label_file named, read or absent.
    std::vector<std::filesystem::path>* files_named = nullptr;
};

// Idempotent: normalising a normalised project changes nothing. Unreadable required env files
// and replica/scale mismatches are errors in ctx.diags.
void normalize_project(model::Project& project, const NormalizeOptions& options,
                       DecodeContext& ctx);

// `~` and `~/x` expanded with HOME from `env`, relative paths joined to `base`, lexically
// normalised. Leaves URLs alone.
std::string absolute_path(const std::string& path, const std::filesystem::path& base,
                          const Environment& env);

}  // namespace stk::load
