#include "image/build/builder/step_cache.hpp"

#include <nlohmann/json.hpp>

#include "runtime/sys/file_util.hpp"

namespace stk::build {

std::string StepCache::chain(const std::string& parent, const std::string& step) {
    image::Sha256 h;
    h.update(parent);
    h.update(std::string_view("\x1f", 1));
    h.update(step);
    return h.finish().hex();
}

std::optional<ImageState> StepCache::find(const std::string& key) const {
    auto text = read_file_if_exists(store_.root() / "build-cache" / (key + ".json"));
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        ImageState s;
        s.config = image::parse_image_config(j.at("config").get<std::string>());
        for (const auto& l : j.at("layers")) {
            image::Descriptor d;
            d.media_type = l.at("mediaType").get<std::string>();
            d.digest = image::Digest::parse(l.at("digest").get<std::string>());
            d.size = l.at("size").get<int64_t>();
            s.layers.push_back(std::move(d));
        }
        if (s.layers.size() != s.config.diff_ids.size()) return std::nullopt;
        for (size_t i = 0; i < s.layers.size(); ++i)
            if (!store_.has_blob(s.layers[i].digest) ||
                !store_.layer_root(image::Digest::parse(s.config.diff_ids[i])))
                return std::nullopt;
        return s;
    } catch (const std::exception&) {
        return std::nullopt;  // an unreadable entry is only a miss
    }
}

void StepCache::put(const std::string& key, const ImageState& state) const {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& d : state.layers)
        layers.push_back({{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}});
    nlohmann::json j{{"config", image::to_json(state.config)}, {"layers", layers}};
    auto dir = store_.root() / "build-cache";
    std::filesystem::create_directories(dir);
    write_file_atomic(dir / (key + ".json"), j.dump());
}

}  // namespace stk::build
