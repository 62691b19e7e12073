#pragma once
// Paths inside an image store root (see image_store.hpp for what each holds).
#include <filesystem>

#include "image/digest.hpp"

namespace stk::image::layout {

inline std::filesystem::path blobs(const std::filesystem::path& root) { return root / "blobs" / "sha256"; }
inline std::filesystem::path layers(const std::filesystem::path& root) { return root / "layers"; }
inline std::filesystem::path layer(const std::filesystem::path& root, const Digest& diff_id) {
    return layers(root) / diff_id.hex();
}
inline std::filesystem::path tmp(const std::filesystem::path& root) { return root / "tmp"; }
inline std::filesystem::path locks(const std::filesystem::path& root) { return root / "locks"; }
inline std::filesystem::path refs(const std::filesystem::path& root) { return root / "refs.json"; }

inline constexpr const char* kLayerRoot = "root";          // the files of an unpacked layer
inline constexpr const char* kLayerMarker = "complete";    // written last: {"diff_id","bytes","blob","boot_id"}
inline constexpr const char* kLayerSynced = "synced";      // made after a syncfs that covered the layer

}  // namespace stk::image::layout
