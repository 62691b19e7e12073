#pragma once
// What the command line and environment say about which stack file to load and how.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stk::load {

using Environment = std::map<std::string, std::string>;

struct LoadOptions {
    std::vector<std::string> files;                    // -f, in order; empty: COMPOSE_FILE or discovery
    std::optional<std::string> project_directory;      // --project-directory
    std::optional<std::string> project_name;           // -p
    std::vector<std::string> env_files;                // --env-file (replaces .env)
    std::vector<std::string> profiles;                 // --profile (adds to COMPOSE_PROFILES)
    bool interpolate = true;                           // false: --no-interpolate
    std::filesystem::path working_dir;                 // where discovery starts; empty: cwd
    Environment shell_env;                             // the process environment (tests inject one)
    bool shell_env_from_process = true;                // fill shell_env from environ when empty
};

// Reads the process environment into a map.
Environment process_environment();

}  // namespace stk::load
