#pragma once
// Which entry of an image index (OCI index or docker manifest list) this machine runs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/store/manifest.hpp"

namespace stk::image::registry {

// The Accept header value asking a registry for every manifest kind stack reads.
std::string manifest_accept_header();

// This machine's platform (linux/amd64 here), or one written "os/arch[/variant]" (a service's
// `platform:`); architecture names are normalised (x86_64 -> amd64, aarch64 -> arm64).
Platform host_platform();
Platform parse_platform(std::string_view text);
std::string platform_string(const Platform& p);  // "linux/arm/v7"

// The index entry for `want` with containerd's variant rules (arm64 accepts v8 and none; arm
// v7 accepts v7, v6, v5 in that order; amd64 accepts none and v1), best match first, the
// earlier entry on a tie; nullopt when no entry fits.
std::optional<Descriptor> select_platform(const std::vector<Descriptor>& entries,
                                          const Platform& want);

}  // namespace stk::image::registry
