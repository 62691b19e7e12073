#pragma once
// `stack image save`: one tar both `docker load` / `podman load` (manifest.json, repositories,
// one directory-free blob path per layer) and OCI tools (oci-layout, index.json with
// org.opencontainers.image.ref.name and io.containerd.image.name annotations) read.
#include <filesystem>
#include <vector>

#include "image/store/image_store.hpp"

namespace stk::image {

void save_archive(const ImageStore& store, const std::vector<std::string>& images,
                  const std::filesystem::path& output);

}  // namespace stk::image
