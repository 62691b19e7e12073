#include "orchestrator/load/discovery.hpp"

#include "orchestrator/load/dotenv.hpp"
#include "orchestrator/load/rebase.hpp"

namespace stk::load {
namespace fs = std::filesystem;

namespace {

const char* const kFileNames[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                  "docker-compose.yaml"};
const char* const kOverrideNames[] = {"compose.override.yml", "compose.override.yaml",
                                      "docker-compose.override.yml",
                                      "docker-compose.override.yaml"};

std::vector<fs::path> existing(const fs::path& dir, const char* const (&names)[4]) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const char* n : names)
        if (fs::is_regular_file(dir / n, ec)) out.push_back(dir / n);
    return out;
}

std::string join_names(const std::vector<fs::path>& files) {
    std::string out;
    for (const auto& f : files) out += (out.empty() ? "" : ", ") + f.string();
    return out;
}

}  // namespace

std::vector<fs::path> find_stack_files(const fs::path& start, Diagnostics& diags) {
    fs::path dir = start.lexically_normal();
    while (true) {
        auto found = existing(dir, kFileNames);
        if (!found.empty()) {
            if (found.size() > 1)
                diags.warning({}, "", "Found multiple config files with supported names: " +
                                          join_names(found) + "; using " + found[0].string());
            std::vector<fs::path> files{found[0]};
            auto overrides = existing(dir, kOverrideNames);
            if (overrides.size() > 1)
                diags.warning({}, "", "Found multiple override files with supported names: " +
                                          join_names(overrides) + "; using " +
                                          overrides[0].string());
            if (!overrides.empty()) files.push_back(overrides[0]);
            return files;
        }
        fs::path parent = dir.parent_path();
        if (parent.empty() || parent == dir) return {};
        dir = parent;
    }
}

std::vector<fs::path> stack_files(const LoadOptions& options, const fs::path& working_dir,
                                  const fs::path& search_from, const Environment& env,
                                  Diagnostics& diags) {
    std::vector<fs::path> files;
    for (const auto& f : options.files) files.push_back(absolute_against(f, working_dir));
    if (files.empty()) {
        auto it = env.find("COMPOSE_FILE");
        if (it != env.end() && !it->second.empty()) {
            auto sep_it = env.find("COMPOSE_PATH_SEPARATOR");
            char sep = sep_it != env.end() && !sep_it->second.empty() ? sep_it->second[0] : ':';
            const std::string& list = it->second;
            size_t start = 0;
            while (start <= list.size()) {
                size_t at = list.find(sep, start);
                if (at == std::string::npos) at = list.size();
                std::string part = list.substr(start, at - start);
                if (!part.empty()) files.push_back(absolute_against(part, working_dir));
                start = at + 1;
            }
        }
    }
    if (files.empty()) files = find_stack_files(search_from, diags);
    if (files.empty())
        throw LoadError(Diagnostic{{}, "", "no configuration file provided: not found",
                                   "create compose.yaml here or in a parent directory, or "
                                   "name one with -f"});
    return files;
}

std::string normalize_project_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-') out += l;
    }
    size_t first = out.find_first_not_of("_-");
    return first == std::string::npos ? std::string() : out.substr(first);
}

bool is_valid_project_name(const std::string& name) {
    if (name.empty()) return false;
    char c0 = name[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= '0' && c0 <= '9'))) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

Environment read_env_files(const std::vector<fs::path>& files, const Environment& shell,
                           std::vector<fs::path>& read) {
    Environment out;
    Diagnostics diags;
    for (const auto& f : files) {
        read.push_back(f);
        for (auto& [k, v] : read_env_file(f, shell, diags)) out[k] = v;
    }
    diags.throw_if_errors();
    return out;
}

}  // namespace stk::load
