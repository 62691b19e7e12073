#include "image/build/builder/base_images.hpp"

#include <fmt/format.h>

#include "image/registry/puller.hpp"
#include "image/registry/registry_settings.hpp"

namespace stk::build {
namespace {

// Pull progress as build notes: a line when an image starts and one per finished layer.
class BuildLogProgress : public image::registry::PullProgress {
public:
    explicit BuildLogProgress(BuildLog& log) : log_(log) {}
    void image(const std::string& title) override { log_.note("pulling " + title); }
    void layer(const std::string& id, image::registry::LayerState state, int64_t) override {
        using image::registry::LayerState;
        if (state == LayerState::Done || state == LayerState::Exists || state == LayerState::Failed)
            log_.note(fmt::format("  {}: {}", id, image::registry::layer_state_text(state)));
    }
    void bytes(const std::string&, int64_t) override {}
    void message(const std::string& text) override { log_.note("  " + text); }

private:
    BuildLog& log_;
};

}  // namespace

image::ImageRecord BaseImages::get(const std::string& text,
                                   const std::optional<image::Platform>& platform) {
    std::optional<image::Reference> ref;
    try {
        ref = image::Reference::parse(text);
    } catch (const Error&) {
        return store_.resolve(text);  // not a reference: an image ID, or the store's clear error
    }
    // A digest names one content: once stored, there is nothing newer to pull.
    bool pinned = !ref->digest.empty();
    if (!always_pull_ || pinned)
        if (auto rec = store_.find(*ref)) return *rec;
    return pull(*ref, platform);
}

image::ImageRecord BaseImages::pull(const image::Reference& ref,
                                    const std::optional<image::Platform>& platform) {
    std::string key =
        ref.to_string() + (platform ? " " + image::platform_string(*platform) : "");
    std::promise<image::ImageRecord> mine;
    std::shared_future<image::ImageRecord> pending;
    {
        std::lock_guard lock(mutex_);
        auto it = pulls_.find(key);
        if (it != pulls_.end()) {
            pending = it->second;
        } else {
            pulls_[key] = mine.get_future().share();
        }
    }
    if (pending.valid()) return pending.get();
    try {
        BuildLogProgress progress(log_);
        image::registry::Puller puller(
            store_, image::registry::RegistrySettings::from_environment(), progress);
        image::registry::PullOptions options;
        options.platform = platform;
        image::ImageRecord rec = puller.pull(ref, options);
        mine.set_value(rec);
        return rec;
    } catch (...) {
        mine.set_exception(std::current_exception());
        throw;
    }
}

}  // namespace stk::build
