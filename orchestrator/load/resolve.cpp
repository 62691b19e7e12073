#include "orchestrator/load/resolve.hpp"

#include <set>

#include "orchestrator/load/discovery.hpp"
#include "orchestrator/load/file_loader.hpp"
#include "orchestrator/load/interpolate.hpp"
#include "orchestrator/load/merge.hpp"
#include "orchestrator/load/profiles.hpp"
#include "orchestrator/load/rebase.hpp"

namespace stk::load {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& msg, const std::string& hint = {}, Location loc = {}) {
    throw LoadError(Diagnostic{std::move(loc), "", msg, hint});
}

void add_missing(Environment& env, const Environment& more) {
    for (const auto& [k, v] : more) env.emplace(k, v);
}

std::string lookup(const Environment& env, const std::string& key) {
    auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
}

// -p > COMPOSE_PROJECT_NAME > `name:` of the files (the last one wins) > the dir's basename.
std::string project_name(const LoadOptions& options, const Environment& env,
                         const std::vector<Node>& roots, const fs::path& project_dir,
                         bool interpolate) {
    auto explicit_name = [](const std::string& name, const char* from) {
        if (!is_valid_project_name(name))
            fail(std::string("invalid project name \"") + name + "\" (from " + from + ")",
                 "use only lowercase letters, digits, '-' and '_', starting with a letter or "
                 "digit");
        return name;
    };
    if (options.project_name && !options.project_name->empty())
        return explicit_name(*options.project_name, "-p");
    if (auto it = env.find("COMPOSE_PROJECT_NAME"); it != env.end() && !it->second.empty())
        return explicit_name(it->second, "COMPOSE_PROJECT_NAME");
    const Node* name_node = nullptr;
    for (const auto& r : roots)
        if (const Node* n = r.find("name"); n && n->is_scalar()) name_node = n;
    if (name_node) {
        std::string raw = name_node->scalar;
        if (interpolate) {
            std::set<std::string> unset;
            try {
                VariableLookup lk = [&env](const std::string& k) -> std::optional<std::string> {
                    auto it = env.find(k);
                    if (it == env.end()) return std::nullopt;
                    return it->second;
                };
                raw = substitute(raw, lk, unset);
            } catch (const std::exception& e) {
                fail("invalid project name \"" + raw + "\": " + e.what(), {}, name_node->loc);
            }
        }
        std::string n = normalize_project_name(raw);
        if (n.empty())
            fail("project name \"" + raw + "\" has no valid character", "set -p NAME",
                 name_node->loc);
        return n;
    }
    std::string n = normalize_project_name(project_dir.filename().string());
    if (n.empty())
        fail("cannot derive a project name from directory \"" + project_dir.string() + "\"",
             "set -p NAME or a top-level name:");
    return n;
}

}  // namespace

ResolvedTree resolve_tree(const LoadOptions& options, Diagnostics& diags) {
    ResolvedTree out;
    Environment shell = options.shell_env;
    if (shell.empty() && options.shell_env_from_process) shell = process_environment();
    std::error_code ec;
    fs::path wd = options.working_dir.empty() ? fs::current_path(ec) : options.working_dir;
    if (ec) fail("find the working directory: " + ec.message());
    wd = absolute_against(wd.string(), fs::current_path(ec));

    // First environment load, for COMPOSE_FILE & co: --env-file, else the .env of
    // --project-directory, else (no -f) the working dir's .env. The shell always wins.
    std::optional<fs::path> given_dir;
    if (options.project_directory) given_dir = absolute_against(*options.project_directory, wd);
    Environment env = shell;
    std::vector<fs::path> env_read;
    if (!options.env_files.empty()) {
        std::vector<fs::path> paths;
        for (const auto& f : options.env_files) paths.push_back(absolute_against(f, wd));
        add_missing(env, read_env_files(paths, shell, env_read));
    } else {
        fs::path first = given_dir ? *given_dir : wd;
        if ((given_dir || options.files.empty()) && is_file(first / ".env"))
            add_missing(env, read_env_files({first / ".env"}, shell, env_read));
    }

    // Discovery starts in --project-directory when given (compose-go uses it as the working dir).
    out.files = stack_files(options, wd, given_dir ? *given_dir : wd, env, diags);
    out.project_dir = given_dir ? *given_dir : out.files.front().parent_path();
    if (options.env_files.empty()) {
        fs::path dotenv = out.project_dir / ".env";
        bool already = !env_read.empty() && env_read.front() == dotenv;
        if (!already && is_file(dotenv))
            add_missing(env, read_env_files({dotenv}, shell, env_read));
    }

    LoadContext ctx{diags};
    ctx.interpolate = options.interpolate;
    for (const auto& p : env_read) ctx.watch(p);

    std::vector<Node> roots;
    for (const auto& f : out.files) roots.push_back(parse_stack_file(f, ctx));
    out.project_name = project_name(options, env, roots, out.project_dir, options.interpolate);
    env.emplace("COMPOSE_PROJECT_NAME", out.project_name);

    Node merged;
    for (size_t i = 0; i < roots.size(); ++i) {
        finish_stack_file(roots[i], env, ctx);
        expand_stack_file(roots[i], out.files[i], env, ctx);
        if (i == 0) {
            merged = std::move(roots[i]);
            apply_tags_alone(merged);  // !reset in the first file just removes the key
        } else {
            merged = merge_documents(merged, roots[i]);
        }
    }
    enforce_unicity(merged);

    auto profiles = apply_profiles(merged, enabled_profiles(options.profiles,
                                                            lookup(env, "COMPOSE_PROFILES")));
    out.active_profiles = std::move(profiles.active);
    out.all_profiles = std::move(profiles.all);
    out.root = std::move(merged);
    out.watched = std::move(ctx.watched);
    out.environment = std::move(env);
    return out;
}

}  // namespace stk::load
