#include "image/archive/save_archive.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/archive/tar_output.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

std::string blob_name(const Digest& d) { return "blobs/sha256/" + d.hex(); }

struct SavedImage {
    ImageRecord record;
    std::vector<Reference> tags;
};

// The tags an argument stands for: the reference itself, or every tag of an image ID.
std::vector<Reference> tags_for(const std::string& text, const ImageRecord& r) {
    std::vector<Reference> out;
    try {
        Reference ref = Reference::parse(text);
        for (const auto& have : r.references)
            if (have == ref && !ref.tag.empty()) return {ref};
    } catch (const Error&) {
        // An image ID: all its tags below.
    }
    for (const auto& have : r.references)
        if (have.digest.empty()) out.push_back(have);
    return out;
}

}  // namespace

void save_archive(const ImageStore& store, const std::vector<std::string>& images, const std::filesystem::path& output) {
    with_context(fmt::format("save to \"{}\"", output.string()), [&] {
        if (images.empty()) throw Error("no image to save");
        StoreLease held = store.lease();
        std::map<Digest, SavedImage> saved;
        std::vector<Digest> order;
        for (const auto& text : images) {
            ImageRecord r = store.resolve(text);
            auto [it, fresh] = saved.try_emplace(r.manifest_digest, SavedImage{r, {}});
            if (fresh) order.push_back(r.manifest_digest);
            for (const auto& t : tags_for(text, r))
                if (std::find(it->second.tags.begin(), it->second.tags.end(), t) == it->second.tags.end())
                    it->second.tags.push_back(t);
        }

        TarOutput tar(output);
        tar.add_bytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
        tar.add_directory("blobs");
        tar.add_directory("blobs/sha256");
        std::set<Digest> written;
        auto add_blob = [&](const Digest& d) {
            if (written.insert(d).second) tar.add_file(blob_name(d), store.blob_path(d));
        };
        ImageIndex index;
        nlohmann::json docker_manifest = nlohmann::json::array();
        nlohmann::json repositories = nlohmann::json::object();
        for (const auto& md : order) {
            const SavedImage& s = saved.at(md);
            const ImageRecord& r = s.record;
            for (const auto& l : r.manifest.layers) add_blob(l.digest);
            add_blob(r.config_digest);
            add_blob(md);
            Descriptor d{r.manifest.media_type, md, static_cast<int64_t>(std::filesystem::file_size(store.blob_path(md))), {}, {}};
            nlohmann::json tags = nlohmann::json::array();
            for (const auto& t : s.tags) {
                Descriptor named = d;
                named.annotations = {{"io.containerd.image.name", t.to_string()},
                                     {"org.opencontainers.image.ref.name", t.tag}};
                index.manifests.push_back(named);
                tags.push_back(t.familiar_name() + ":" + t.tag);
                if (!r.config.diff_ids.empty())
                    repositories[t.familiar_name()][t.tag] = Digest::parse(r.config.diff_ids.back()).hex();
            }
            if (s.tags.empty()) index.manifests.push_back(d);
            nlohmann::json layers = nlohmann::json::array();
            for (const auto& l : r.manifest.layers) layers.push_back(blob_name(l.digest));
            docker_manifest.push_back({{"Config", blob_name(r.config_digest)}, {"RepoTags", tags}, {"Layers", layers}});
        }
        tar.add_bytes("index.json", to_json(index));
        tar.add_bytes("manifest.json", docker_manifest.dump());
        tar.add_bytes("repositories", repositories.dump());
        tar.commit();
    });
}

}  // namespace stk::image
