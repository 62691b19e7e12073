#pragma once
// The images a build starts from (FROM) or copies out of (COPY --from=image): from the local
// store, pulled from their registry when missing or when the build asks to pull (`--pull`),
// with the registry settings `stack pull` uses. One pull per image per build, however many
// stages name it.
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "image/build/builder/build_request.hpp"
#include "image/platform.hpp"
#include "image/store/image_store.hpp"

namespace stk::build {

class BaseImages {
public:
    BaseImages(const image::ImageStore& store, BuildLog& log, bool always_pull)
        : store_(store), log_(log), always_pull_(always_pull) {}

    // `text` is a reference or an image ID. Throws Error "pull <image> from registry <host>: ..."
    // when a needed pull fails, or the store's "not in the local image store" for an unknown ID.
    image::ImageRecord get(const std::string& text, const std::optional<image::Platform>& platform);

private:
    image::ImageRecord pull(const image::Reference& ref,
                            const std::optional<image::Platform>& platform);

    const image::ImageStore& store_;
    BuildLog& log_;
    bool always_pull_;
    std::mutex mutex_;
    std::map<std::string, std::shared_future<image::ImageRecord>> pulls_;
};

}  // namespace stk::build
