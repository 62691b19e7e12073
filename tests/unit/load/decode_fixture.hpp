#pragma once
// Decoding test helpers: YAML text -> parsed, interpolated ResolvedTree -> model, without
// touching the disk unless a test writes files into a TempDir itself.
#include <set>
#include <string>

#include "orchestrator/load/decode.hpp"
#include "orchestrator/load/emit.hpp"
#include "orchestrator/load/interpolate.hpp"
#include "orchestrator/load/resolve.hpp"
#include "resolve_fixture.hpp"

namespace stk::load::testing {

inline ResolvedTree tree_from(const std::string& yaml, const std::string& dir = "/proj",
                              Environment env = {}, const std::string& file = "compose.yaml") {
    ResolvedTree t;
    t.root = parse_yaml(yaml, file);
    Diagnostics interpolation;
    std::set<std::string> warned;
    interpolate_tree(t.root, env, interpolation, warned);
    interpolation.throw_if_errors();
    t.project_dir = dir;
    t.project_name = "demo";
    t.environment = std::move(env);
    return t;
}

// Decodes and returns the project; errors stay in `diags` (no throw).
inline model::Project decode_text(const std::string& yaml, Diagnostics& diags,
                                  const std::string& dir = "/proj", Environment env = {}) {
    try {
        return decode_project(tree_from(yaml, dir, std::move(env)), diags);
    } catch (const LoadError&) {
        return {};
    }
}

inline model::Project decode_ok(const std::string& yaml, const std::string& dir = "/proj",
                                Environment env = {}) {
    Diagnostics diags;
    auto p = decode_project(tree_from(yaml, dir, std::move(env)), diags);
    return p;
}

// Every error as "line:col path: message (hint)" without the file, for exact comparisons.
inline std::vector<std::string> error_lines(const Diagnostics& diags) {
    std::vector<std::string> out;
    for (const auto& d : diags.errors()) out.push_back(d.to_string());
    return out;
}

}  // namespace stk::load::testing
