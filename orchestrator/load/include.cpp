#include "orchestrator/load/include.hpp"

#include <algorithm>
#include <functional>

#include "orchestrator/load/dotenv.hpp"
#include "orchestrator/load/merge.hpp"
#include "orchestrator/load/rebase.hpp"

namespace stk::load {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const Location& loc, const std::string& msg, const std::string& hint = {}) {
    throw LoadError(Diagnostic{loc, "include", msg, hint});
}

std::vector<const Node*> string_list(const Node& n, const char* what) {
    std::vector<const Node*> out;
    if (n.is_scalar()) {
        out.push_back(&n);
    } else if (n.is_seq()) {
        for (const auto& i : n.items) {
            if (!i.is_scalar()) fail(i.loc, std::string(what) + " entries must be strings");
            out.push_back(&i);
        }
    } else {
        fail(n.loc, std::string(what) + " must be a string or a list of strings");
    }
    return out;
}

bool same_tree(const Node& a, const Node& b) {
    if (a.kind != b.kind || a.scalar != b.scalar || a.tag != b.tag) return false;
    if (a.items.size() != b.items.size() || a.entries.size() != b.entries.size()) return false;
    for (size_t i = 0; i < a.items.size(); ++i)
        if (!same_tree(a.items[i], b.items[i])) return false;
    for (size_t i = 0; i < a.entries.size(); ++i)
        if (a.entries[i].key != b.entries[i].key || !same_tree(a.entries[i].value, b.entries[i].value))
            return false;
    return true;
}

std::string file_of(const Location& loc) { return loc.file ? *loc.file : std::string("?"); }

void import_resources(Node& root, const Node& included) {
    for (const char* kind : {"services", "networks", "volumes", "secrets", "configs"}) {
        const Node* src = included.find(kind);
        if (!src || !src->is_map()) continue;
        Node* dst = root.find(kind);
        if (!dst || dst->is_null()) dst = &root.set(kind, Node::make_map(src->loc));
        for (const auto& e : src->entries) {
            const MapEntry* existing = dst->find_entry(e.key);
            if (!existing) {
                dst->entries.push_back(e);
                continue;
            }
            if (same_tree(existing->value, e.value)) continue;
            fail(existing->key_loc,
                 std::string(kind) + "." + e.key + " is defined in " +
                     file_of(existing->key_loc) + " and in the included " + file_of(e.key_loc),
                 "rename one of them; included resources are never merged");
        }
    }
}

}  // namespace

void apply_include(Node& root, const fs::path& file, const Environment& env, LoadContext& ctx) {
    const Node* inc = root.find("include");
    if (!inc) return;
    Node include = *inc;
    root.erase("include");
    if (include.is_null()) return;
    if (!include.is_seq()) fail(include.loc, "include must be a list");
    fs::path base_dir = file.parent_path();
    for (const auto& item : include.items) {
        std::vector<const Node*> paths;
        std::vector<const Node*> env_files;
        std::optional<fs::path> project_dir;
        if (item.is_scalar()) {
            paths.push_back(&item);
        } else if (item.is_map()) {
            const Node* p = item.find("path");
            if (!p) fail(item.loc, "an include entry needs a path");
            paths = string_list(*p, "include path");
            if (const Node* pd = item.find("project_directory"); pd && pd->is_scalar())
                project_dir = absolute_against(pd->scalar, base_dir);
            if (const Node* ef = item.find("env_file"); ef && !ef->is_null())
                env_files = string_list(*ef, "include env_file");
        } else {
            fail(item.loc, "an include entry must be a path or a mapping with path");
        }
        if (paths.empty()) fail(item.loc, "an include entry needs a path");

        std::vector<fs::path> files;
        for (const Node* p : paths) {
            fs::path f = absolute_against(p->scalar, base_dir);
            if (!is_file(f))
                fail(p->loc, "included file \"" + f.string() + "\" not found");
            if (std::find(ctx.include_chain.begin(), ctx.include_chain.end(), f) !=
                ctx.include_chain.end()) {
                std::string chain;
                for (const auto& c : ctx.include_chain) chain += c.string() + " -> ";
                fail(p->loc, "include cycle: " + chain + f.string());
            }
            files.push_back(f);
        }
        fs::path dir = project_dir ? *project_dir : files.front().parent_path();

        // Its own .env (or env_file list), under the including environment which wins.
        Environment own_env = env;
        Diagnostics env_diags;
        std::vector<fs::path> env_paths;
        if (!env_files.empty()) {
            for (const Node* ef : env_files) env_paths.push_back(absolute_against(ef->scalar, base_dir));
        } else if (is_file(dir / ".env")) {
            env_paths.push_back(dir / ".env");
        }
        Environment dotenv;
        for (const auto& p : env_paths) {
            ctx.watch(p);
            for (auto& [k, v] : read_env_file(p, env, env_diags)) dotenv[k] = v;
        }
        env_diags.throw_if_errors();
        for (auto& [k, v] : dotenv) own_env.emplace(k, v);

        Node merged;
        for (const auto& f : files) {
            Node tree = load_stack_file(f, own_env, ctx, item.loc);
            if (merged.is_null()) {
                merged = std::move(tree);
                apply_tags_alone(merged);
            } else {
                merged = merge_documents(merged, tree);
            }
        }
        rebase_tree_paths(merged, dir);
        import_resources(root, merged);
    }
}

}  // namespace stk::load
