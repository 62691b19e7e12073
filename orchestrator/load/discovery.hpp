#pragma once
// Which stack files to load, from which project directory, with which environment and name:
// -f files, else COMPOSE_FILE, else compose.yaml & co. found walking up from the working dir
// (plus the matching override file); .env or --env-file under the shell environment; the
// project name from -p > COMPOSE_PROJECT_NAME > `name:` > the directory's basename.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"

namespace stk::load {

// Walks up from `start` for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml
// (first in that order; a warning when several exist in one dir) and adds the first existing
// compose.override.yml/.yaml, docker-compose.override.yml/.yaml of that dir. Empty if none.
std::vector<std::filesystem::path> find_stack_files(const std::filesystem::path& start,
                                                    Diagnostics& diags);

// The stack files (absolute): -f (relative to `working_dir`), else COMPOSE_FILE from `env`
// (split on COMPOSE_PATH_SEPARATOR or ':'), else find_stack_files from `search_from`.
// Throws LoadError if none.
std::vector<std::filesystem::path> stack_files(const LoadOptions& options,
                                               const std::filesystem::path& working_dir,
                                               const std::filesystem::path& search_from,
                                               const Environment& env, Diagnostics& diags);

// Lowercase, only [a-z0-9_-], leading '_' and '-' trimmed (compose's NormalizeProjectName).
std::string normalize_project_name(const std::string& name);
// Only lowercase letters, digits, '-' and '_', starting with a letter or digit.
bool is_valid_project_name(const std::string& name);

// Reads the env files in order (later files win) into one map, interpolating each against
// `shell`; files that were read are appended to `read`. Throws LoadError on errors.
Environment read_env_files(const std::vector<std::filesystem::path>& files,
                           const Environment& shell, std::vector<std::filesystem::path>& read);

}  // namespace stk::load
