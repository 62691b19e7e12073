#pragma once
// Pulls an image from its registry into the local store: the manifest (an index resolved to the
// platform first), the config, then the layers in parallel, each streamed through the store's
// verifying writer and unpacked as soon as it is complete. A layer is downloaded once even when
// several pulls run at the same time (a lock per blob in the store). The tag ends up in the
// store's reference index pointing at the manifest digest, so later runs use exactly that.
#include <optional>
#include <string>

#include "image/reference.hpp"
#include "image/registry/progress.hpp"
#include "image/registry/registry_settings.hpp"
#include "image/registry/retry.hpp"
#include "image/store/image_store.hpp"

namespace stk::image::registry {

struct PullOptions {
    std::optional<Platform> platform;  // default: this machine's
    int parallel_layers = 3;
    RetryPolicy retry;
};

class Puller {
public:
    Puller(ImageStore store, RegistrySettings settings, PullProgress& progress);

    // Throws Error "pull <image> from registry <host>: <what failed>".
    ImageRecord pull(const Reference& ref, const PullOptions& options = {});

private:
    ImageStore store_;
    RegistrySettings settings_;
    PullProgress& progress_;
};

}  // namespace stk::image::registry
