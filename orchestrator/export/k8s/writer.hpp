#pragma once
// Manifests as YAML: one multi-document stream, or one file per object in a directory, named
// "NN-kind-name.yaml" so that `kubectl apply -f DIR` (alphabetical) keeps the apply order.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stk::k8s {

// Documents separated by "---", keys in a stable order: the same input gives the same bytes.
std::string to_yaml_stream(const std::vector<nlohmann::json>& objects);

// The file name of the object at `index` in a directory export.
std::string object_file_name(const nlohmann::json& object, size_t index);

// `out` ending in .yaml / .yml: one file; otherwise a directory (created) with a file per object,
// after removing the files an earlier export left there.
void write_manifests(const std::vector<nlohmann::json>& objects, const std::filesystem::path& out);

}  // namespace stk::k8s
