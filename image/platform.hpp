#pragma once
// The platform images are chosen for, the one selector used by pull, import and build:
// linux and this machine's architecture in OCI terms (x86_64 -> amd64, aarch64 -> arm64/v8,
// armv7l -> arm/v7), or one written "os/arch[/variant]" (a service's `platform:`).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/store/manifest.hpp"

namespace stk::image {

Platform host_platform();
// Throws Error quoting the text unless it is os/arch[/variant]; names are normalised.
Platform parse_platform(std::string_view text);
std::string platform_string(const Platform& p);  // "linux/arm/v7"

// The index entry for `want` with containerd's variant rules (arm64 accepts v8 and none; arm
// v7 accepts v7, v6, v5 in that order; amd64 accepts none and v1), best match first, the
// earlier entry on a tie; nullopt when no entry fits.
std::optional<Descriptor> select_platform(const std::vector<Descriptor>& entries, const Platform& want);

}  // namespace stk::image
