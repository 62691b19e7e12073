#pragma once
// The build cache: one JSON file per step under <store>/build-cache/<key>.json holding the
// image state after the step (config with history and diff ids, layer descriptors). A key
// chains the parent's key with the expanded instruction and, for COPY/ADD, the content hash
// of what is copied, so a hit means the step would produce exactly this state. An entry whose
// layers are gone from the store (prune) is a miss.
#include <optional>
#include <string>
#include <vector>

#include "image/store/image_store.hpp"

namespace stk::build {

struct ImageState {
    image::OciImageConfig config;
    std::vector<image::Descriptor> layers;  // manifest descriptors, base first
};

class StepCache {
public:
    explicit StepCache(const image::ImageStore& store) : store_(store) {}

    // sha256 hex of parent key + step text.
    static std::string chain(const std::string& parent, const std::string& step);

    std::optional<ImageState> find(const std::string& key) const;
    void put(const std::string& key, const ImageState& state) const;

private:
    const image::ImageStore& store_;
};

}  // namespace stk::build
