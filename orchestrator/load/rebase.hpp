#pragma once
// Makes the relative paths of a service (or of a whole stack tree) absolute against the
// directory of the file that wrote them: a service taken by `extends` from another file, and
// everything an `include`d project defines.
#include <filesystem>

#include "orchestrator/load/tree.hpp"

namespace stk::load {

// build (string or context), env_file (string, list, long `path`), bind-mount sources of
// volumes (short form starting with "." or long form of type bind), extends.file.
void rebase_service_paths(Node& service, const std::filesystem::path& dir);

// Every service, plus top-level secrets/configs `file`.
void rebase_tree_paths(Node& root, const std::filesystem::path& dir);

// A regular file (following links); false on any error instead of throwing.
bool is_file(const std::filesystem::path& p) noexcept;

// `p` made absolute against `dir` and normalised lexically; absolute paths are only normalised.
std::string absolute_against(const std::string& p, const std::filesystem::path& dir);

}  // namespace stk::load
