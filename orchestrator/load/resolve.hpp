#pragma once
// Stage 1 of loading: from files on disk to one merged, interpolated raw tree.
//   discover files -> project dir and name -> .env / --env-file -> parse YAML (anchors, aliases,
//   << merge keys, tags) -> interpolate values -> extends -> include -> merge files in order
//   (!reset / !override) -> profiles.
#include <filesystem>
#include <string>
#include <vector>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"
#include "orchestrator/load/tree.hpp"

namespace stk::load {

struct ResolvedTree {
    Node root;                                     // the merged top-level mapping
    std::filesystem::path project_dir;             // absolute
    std::string project_name;                      // normalised
    std::vector<std::filesystem::path> files;      // the stack files, absolute, in merge order
    std::vector<std::filesystem::path> watched;    // every file read: stack, included, extended, env
    Environment environment;                       // for interpolation: shell over .env
    std::vector<std::string> active_profiles;
    std::vector<std::string> all_profiles;         // every profile named by any service
};

// Throws LoadError (file:line:col) for unreadable files, YAML syntax, interpolation errors,
// bad extends/include, and services depending on ones disabled by profiles.
// Warnings (unset variables, obsolete `version`) go to `diags`.
ResolvedTree resolve_tree(const LoadOptions& options, Diagnostics& diags);

// Parses YAML text into the raw tree (exposed for tests and the fuzz target).
// `file` names the source in locations. Throws LoadError on syntax errors.
Node parse_yaml(const std::string& text, const std::string& file);

}  // namespace stk::load
