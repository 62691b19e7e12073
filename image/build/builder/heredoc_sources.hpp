#pragma once
// COPY/ADD sources written as heredocs (`COPY <<EOF /etc/app.conf`): each body, expanded
// unless its delimiter was quoted, becomes a file named after its delimiter in a directory of
// its own, which is the source tree of that instruction. Internal to the builder.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "image/build/context/source_tree.hpp"
#include "image/build/dockerfile/instruction.hpp"

namespace stk::build {

// `sources` are the instruction's expanded source words (the destination removed); those
// that are heredoc markers are replaced by the files' names. Throws Error when heredocs are
// mixed with other sources or with --from.
std::unique_ptr<SourceTree> heredoc_sources(const Instruction& ins,
                                            std::vector<std::string>& sources, const VarMap& vars,
                                            char escape, const std::filesystem::path& dir);

}  // namespace stk::build
