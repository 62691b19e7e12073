#include "image/archive/import_archive.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/archive/archive_entries.hpp"
#include "image/platform.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

struct FoundImage {
    std::string manifest_json;
    std::string config_json;
    std::vector<Reference> references;
};

std::string blob_name(const Digest& d) { return "blobs/sha256/" + d.hex(); }

// An index entry's name: io.containerd.image.name (a full reference), or ref.name when it is
// more than a bare tag ("busybox:1", "docker.io/library/busybox:1").
std::optional<Reference> name_of(const Descriptor& d) {
    if (auto it = d.annotations.find("io.containerd.image.name"); it != d.annotations.end())
        return Reference::parse(it->second);
    if (auto it = d.annotations.find("org.opencontainers.image.ref.name"); it != d.annotations.end())
        if (it->second.find_first_of("/:") != std::string::npos) return Reference::parse(it->second);
    return std::nullopt;
}

std::vector<FoundImage> from_oci_layout(const ArchiveEntries& entries) {
    ImageIndex index = with_context("index.json", [&] { return parse_index(entries.text("index.json")); });
    std::map<Digest, FoundImage> by_manifest;
    std::vector<Digest> order;
    for (const auto& top : index.manifests) {
        Descriptor d = top;
        if (is_index_media_type(d.media_type)) {
            ImageIndex nested = parse_index(entries.text(blob_name(d.digest)));
            auto chosen = select_platform(nested.manifests, host_platform());
            if (!chosen)
                throw Error(fmt::format("index {} has no manifest for {}", d.digest.str(),
                                        platform_string(host_platform())));
            d = *chosen;
        }
        if (!by_manifest.count(d.digest)) {
            FoundImage f;
            f.manifest_json = entries.text(blob_name(d.digest));
            Manifest m = with_context(fmt::format("manifest {}", d.digest.str()), [&] { return parse_manifest(f.manifest_json); });
            f.config_json = entries.text(blob_name(m.config.digest));
            for (const auto& l : m.layers) entries.blob(blob_name(l.digest));
            by_manifest[d.digest] = std::move(f);
            order.push_back(d.digest);
        }
        if (auto ref = name_of(top)) by_manifest[d.digest].references.push_back(*ref);
    }
    std::vector<FoundImage> out;
    for (const auto& d : order) out.push_back(std::move(by_manifest[d]));
    return out;
}

std::vector<FoundImage> from_docker_save(const ImageStore& store, const ArchiveEntries& entries) {
    auto j = nlohmann::json::parse(entries.text("manifest.json"), nullptr, false);
    if (j.is_discarded() || !j.is_array()) throw Error("manifest.json: expected a JSON list");
    std::vector<FoundImage> out;
    for (size_t i = 0; i < j.size(); ++i) {
        const auto& item = j[i];
        std::string where = fmt::format("manifest.json[{}]", i);
        if (!item.is_object() || !item.contains("Config") || !item["Config"].is_string() || !item.contains("Layers") ||
            !item["Layers"].is_array())
            throw Error(where + ": expected Config (a path) and Layers (a list of paths)");
        FoundImage f;
        f.config_json = entries.text(item["Config"].get<std::string>());
        Manifest m;
        m.config = {media_type::kOciConfig, Digest::of(f.config_json), static_cast<int64_t>(f.config_json.size()), {}, {}};
        for (const auto& layer : item["Layers"]) {
            if (!layer.is_string()) throw Error(where + ".Layers: expected paths");
            Descriptor d = entries.blob(layer.get<std::string>());
            d.media_type = layer_media_type(store.blob_path(d.digest));
            m.layers.push_back(d);
        }
        f.manifest_json = to_json(m);
        if (item.contains("RepoTags") && item["RepoTags"].is_array())
            for (const auto& t : item["RepoTags"])
                if (t.is_string()) f.references.push_back(Reference::parse(t.get<std::string>()));
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

std::vector<ImportedImage> import_archive(const ImageStore& store, const std::filesystem::path& archive,
                                          const ImportOptions& options) {
    return with_context(fmt::format("import \"{}\"", archive.string()), [&] {
        StoreLease held = store.lease();
        ArchiveEntries entries(store, archive);
        std::vector<FoundImage> found;
        if (entries.contains("index.json")) found = from_oci_layout(entries);
        else if (entries.contains("manifest.json")) found = from_docker_save(store, entries);
        else throw Error("neither index.json (OCI image layout) nor manifest.json (docker save) in the archive");
        if (found.empty()) throw Error("the archive holds no image");
        if (options.tag && found.size() != 1)
            throw Error(fmt::format("--tag names one image, the archive holds {}", found.size()));
        std::vector<ImportedImage> out;
        for (size_t i = 0; i < found.size(); ++i) {
            std::vector<Reference> refs = options.tag ? std::vector<Reference>{*options.tag} : found[i].references;
            if (refs.empty())
                throw Error(fmt::format("image {} of the archive has no name; give one with --tag", i + 1));
            ImageRecord r = store.put_image(refs[0], found[i].manifest_json, found[i].config_json);
            for (size_t k = 1; k < refs.size(); ++k) store.tag(refs[k], r.manifest_digest);
            out.push_back({refs, r.manifest_digest, r.config_digest});
        }
        return out;
    });
}

}  // namespace stk::image
