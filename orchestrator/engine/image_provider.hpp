#pragma once
// How `up` gets the image of a service before any container of the stack is touched. The
// supervisor asks the provider for every service with `image:` (and no x-stack.rootfs) once,
// before networks and containers are made; an error names the service and the image.
// The local provider only looks in the store; a pulling provider (registry) implements the
// same interface and is returned by default_image_provider() once it exists.
#include <memory>
#include <string>

#include "image/store/image_store.hpp"
#include "orchestrator/model/service.hpp"

namespace stk::engine {

enum class PullPolicy { Missing, Always, Never, Build };

// "" / "missing" / "if_not_present" -> Missing, "always", "never", "build";
// "daily", "weekly", "every_<duration>" count as Missing (no refresh clock yet).
// Throws Error naming the value otherwise.
PullPolicy parse_pull_policy(const std::string& text);

class ImageProvider {
public:
    virtual ~ImageProvider() = default;
    // The image of `service` (its `image:` key), ready to run: every layer unpacked.
    virtual image::ImageRecord ensure(const model::Service& service) = 0;
};

// Looks only in the local store; a missing image is an Error saying how to get it.
class LocalImageProvider : public ImageProvider {
public:
    explicit LocalImageProvider(image::ImageStore store = image::ImageStore()) : store_(std::move(store)) {}
    image::ImageRecord ensure(const model::Service& service) override;

private:
    image::ImageStore store_;
};

// The provider `up` uses.
std::unique_ptr<ImageProvider> default_image_provider();

}  // namespace stk::engine
