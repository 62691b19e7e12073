#pragma once
// Stage 2 of loading: the merged raw tree -> the typed, normalised, validated model.
#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/resolve.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::load {

// Decodes, normalises (defaults, absolute paths, env_file read) and validates (references,
// container_name with replicas, duplicate published ports). Every problem found goes to `diags`
// with file:line:col, field path and hint; throws LoadError with all of them when any is an
// error. `files_named`, when set, receives the env_file and label_file paths (read or absent).
model::Project decode_project(const ResolvedTree& tree, Diagnostics& diags,
                              std::vector<std::filesystem::path>* files_named = nullptr);

// Decoding alone: type checks and short/long forms, no defaults, no cross-references. Errors
// go to ctx.diags; the returned model holds what could be decoded.
model::Project decode_tree(const Node& root, const std::string& project_name, DecodeContext& ctx);

// Service names: [a-zA-Z0-9._-]+
bool valid_service_name(const std::string& name);

}  // namespace stk::load
