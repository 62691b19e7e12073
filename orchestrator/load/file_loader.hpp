#pragma once
// Loading one stack file into its raw tree: read, parse, interpolate, drop `version`, then
// apply its `include` and `extends`. Shared by the top-level files, included and extended ones.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"
#include "orchestrator/load/tree.hpp"

namespace stk::load {

struct LoadContext {
    Diagnostics& diags;                              // warnings
    bool interpolate = true;
    std::vector<std::filesystem::path> watched;      // every file read, in order, no duplicates
    std::set<std::string> warned;                    // unset variables already reported
    std::vector<std::filesystem::path> include_chain;

    void watch(const std::filesystem::path& p);
};

// Reads and parses `file` (absolute) without interpolating it; a path named "-" that does not
// exist is standard input (`-f -`).
Node parse_stack_file(const std::filesystem::path& file, LoadContext& ctx, const Location& ref = {});

// Interpolates a parsed file against `env` and removes `version`.
void finish_stack_file(Node& root, const Environment& env, LoadContext& ctx);

// Reads `file` (absolute), parses and interpolates it against `env`, removes `version`.
// `ref` is where the file was named (for the "cannot read" error); may be unknown.
Node read_stack_file(const std::filesystem::path& file, const Environment& env, LoadContext& ctx,
                     const Location& ref = {});

// Applies `include` (relative to `file`'s dir) and `extends` to a finished file.
void expand_stack_file(Node& root, const std::filesystem::path& file, const Environment& env,
                       LoadContext& ctx);

// read_stack_file, then expand_stack_file.
Node load_stack_file(const std::filesystem::path& file, const Environment& env, LoadContext& ctx,
                     const Location& ref = {});

}  // namespace stk::load
