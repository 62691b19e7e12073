#pragma once
// Options every `stack` command accepts (docker compose's global flags).
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/load/options.hpp"

namespace CLI {
class App;
}

namespace stk::cli {

struct GlobalOptions {
    std::vector<std::string> files;
    std::string project_name;
    std::string project_directory;
    std::vector<std::string> env_files;
    std::vector<std::string> profiles;
    int parallel = -1;
    std::string ansi = "auto";      // never | always | auto
    std::string progress = "auto";  // auto | tty | plain | quiet
    bool verbose = false;

    // The loader's options: these flags over the process environment.
    load::LoadOptions load_options() const;
    // The same with absolute paths, for a supervisor whose working directory is "/".
    load::LoadOptions absolute_load_options() const;
};

// Adds the global flags to the top-level app.
void add_global_flags(CLI::App& app, GlobalOptions& g);

}  // namespace stk::cli
