#pragma once
// yaml-cpp -> raw tree. Keeps every node's location, whether a scalar was quoted, the !reset /
// !override tags, resolves aliases (capped against alias bombs) and `<<` merge keys, rejects
// duplicate and non-scalar keys, and applies several documents of one file as overlays.
#include <string>

#include "orchestrator/load/tree.hpp"

namespace stk::load {

// Expanded-node budget for one file: beyond it the file is rejected (alias bombs).
inline constexpr size_t kMaxYamlNodes = 1'000'000;
// Documents in one file.
inline constexpr size_t kMaxYamlDocuments = 1000;
// Nesting depth limit of the raw tree.
inline constexpr int kMaxYamlDepth = 256;

// Parses every document of `text` without requiring a top-level mapping; a file with no
// document (or only empty ones) gives a Null node. Throws LoadError.
Node parse_yaml_any(const std::string& text, const std::string& file);

}  // namespace stk::load
