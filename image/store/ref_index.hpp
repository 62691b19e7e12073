#pragma once
// refs.json of the store: reference text ("docker.io/library/busybox:latest",
// "docker.io/library/busybox@sha256:…") -> manifest digest. Readers see a whole file (writes
// are atomic renames); writers are serialised by an flock on locks/refs.lock.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "image/digest.hpp"

namespace stk::image {

using RefMap = std::map<std::string, Digest>;

RefMap read_refs(const std::filesystem::path& file);

// Reads, lets `change` edit, writes back (when it returns true), all under `lock`.
void update_refs(const std::filesystem::path& file, const std::filesystem::path& lock,
                 const std::function<bool(RefMap&)>& change);

}  // namespace stk::image
