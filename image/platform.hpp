#pragma once
// The platform images are chosen for: linux and this machine's architecture in OCI terms
// (x86_64 -> amd64, aarch64 -> arm64 / v8, armv7l -> arm / v7, ...).
#include <optional>

#include "image/store/manifest.hpp"

namespace stk::image {

Platform host_platform();

// The manifest of an index for `wanted` (an arm64 entry without variant matches v8); nullopt
// when none fits.
std::optional<Descriptor> select_manifest(const ImageIndex& index, const Platform& wanted);

}  // namespace stk::image
