#pragma once
// `stack image import`: a `docker save` archive (manifest.json, repositories) or an OCI image
// layout archive (oci-layout, index.json, blobs/), plain or compressed tar.
#include <filesystem>
#include <optional>
#include <vector>

#include "image/reference.hpp"
#include "image/store/image_store.hpp"

namespace stk::image {

struct ImportOptions {
    // Replaces the archive's own tags (every image of the archive gets it; then there must be
    // exactly one image in the archive).
    std::optional<Reference> tag;
};

struct ImportedImage {
    std::vector<Reference> references;
    Digest manifest_digest;
    Digest config_digest;
};

std::vector<ImportedImage> import_archive(const ImageStore& store,
                                          const std::filesystem::path& archive,
                                          const ImportOptions& options = {});

}  // namespace stk::image
