#include "image/store/image_store.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "image/store/file_lock.hpp"
#include "image/store/ref_index.hpp"
#include "image/store/store_layout.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::image {
namespace fs = std::filesystem;

ImageStore::ImageStore(fs::path root) : root_(std::move(root)) {}

fs::path ImageStore::default_root() { return data_root() / "images"; }

void ImageStore::ensure_dirs() const {
    for (const auto& d : {layout::blobs(root_), layout::layers(root_), layout::tmp(root_), layout::locks(root_)}) {
        std::error_code ec;
        fs::create_directories(d, ec);
        if (ec) throw Error(fmt::format("create image store directory \"{}\": {}", d.string(), ec.message()));
    }
}

fs::path ImageStore::lock_path(const std::string& name) const { return layout::locks(root_) / (name + ".lock"); }

StoreLease ImageStore::lease() const {
    ensure_dirs();
    return StoreLease(lock_file(lock_path("gc"), LockMode::Shared));
}

bool ImageStore::has_blob(const Digest& d) const { return fs::exists(blob_path(d)); }

fs::path ImageStore::blob_path(const Digest& d) const { return layout::blobs(root_) / d.hex(); }

std::string ImageStore::read_blob(const Digest& d) const {
    auto text = read_file_if_exists(blob_path(d));
    if (!text) throw Error(fmt::format("blob {} is not in the image store \"{}\"", d.str(), root_.string()));
    Digest got = Digest::of(*text);
    if (got != d)
        throw Error(fmt::format("blob {} in the image store is corrupted (its content hashes to {})", d.str(), got.str()));
    return *text;
}

BlobWriter ImageStore::blob_writer(std::optional<Digest> expected, std::optional<uint64_t> expected_size) const {
    StoreLease l = lease();
    return BlobWriter(std::move(l), layout::tmp(root_), layout::blobs(root_), std::move(expected), expected_size);
}

BlobWriter ImageStore::resumable_blob_writer(const Digest& expected, std::optional<uint64_t> expected_size) const {
    StoreLease l = lease();
    return BlobWriter(BlobWriter::Resumable{}, std::move(l), layout::tmp(root_), layout::blobs(root_), expected,
                      expected_size);
}

Digest ImageStore::put_blob(std::string_view content, std::optional<Digest> expected) const {
    if (expected && has_blob(*expected) && Digest::of(content) == *expected) return *expected;
    BlobWriter w = blob_writer(expected, content.size());
    w.write(content);
    return w.commit();
}

ImageRecord ImageStore::put_image(const Reference& ref, std::string_view manifest_json,
                                  std::string_view config_json) const {
    return with_context(fmt::format("store image {}", ref.to_string()), [&] {
        StoreLease held = lease();
        Manifest m = parse_manifest(manifest_json);
        Digest config_digest = Digest::of(config_json);
        if (config_digest != m.config.digest)
            throw Error(fmt::format("config has digest {}, the manifest says {}; refused", config_digest.str(),
                                    m.config.digest.str()));
        OciImageConfig config = parse_image_config(config_json);
        if (config.diff_ids.size() != m.layers.size())
            throw Error(fmt::format("the manifest has {} layers, the config's rootfs.diff_ids {}", m.layers.size(),
                                    config.diff_ids.size()));
        for (const auto& l : m.layers)
            if (!has_blob(l.digest)) throw Error(fmt::format("layer blob {} is not in the store", l.digest.str()));
        put_blob(config_json, config_digest);
        Digest manifest_digest = put_blob(manifest_json);
        std::vector<Digest> diff_ids;
        for (size_t i = 0; i < m.layers.size(); ++i) {
            diff_ids.push_back(Digest::parse(config.diff_ids[i]));
            ensure_layer(m.layers[i], diff_ids.back());
        }
        sync_layers(diff_ids);
        // A reference by digest names only that digest: it must not move a tag such as latest.
        if (ref.digest.empty()) tag(ref, manifest_digest);
        tag(ref.with_digest(manifest_digest), manifest_digest);
        return load_record(manifest_digest);
    });
}

void ImageStore::tag(const Reference& ref, const Digest& manifest_digest) const {
    if (!has_blob(manifest_digest))
        throw Error(fmt::format("tag {}: manifest {} is not in the store", ref.to_string(), manifest_digest.str()));
    ensure_dirs();
    std::string key = ref.digest.empty() ? ref.to_string() : ref.with_digest(ref.digest).to_string();
    update_refs(layout::refs(root_), lock_path("refs"), [&](RefMap& refs) {
        auto it = refs.find(key);
        if (it != refs.end() && it->second == manifest_digest) return false;
        refs[key] = manifest_digest;
        return true;
    });
}

ImageRecord ImageStore::load_record(const Digest& manifest_digest) const {
    return with_context(fmt::format("image {}", manifest_digest.str()), [&] {
        ImageRecord r;
        r.manifest_digest = manifest_digest;
        r.manifest = parse_manifest(read_blob(manifest_digest));
        r.config_digest = r.manifest.config.digest;
        r.config = parse_image_config(read_blob(r.config_digest));
        if (r.config.diff_ids.size() != r.manifest.layers.size())
            throw Error("the manifest and the config's rootfs.diff_ids list different numbers of layers");
        for (size_t i = 0; i < r.manifest.layers.size(); ++i) {
            Digest diff_id = Digest::parse(r.config.diff_ids[i]);
            r.layer_dirs.push_back(ensure_layer(r.manifest.layers[i], diff_id));
            r.size += layer_bytes(diff_id);
        }
        for (const auto& [key, d] : read_refs(layout::refs(root_)))
            if (d == manifest_digest) r.references.push_back(Reference::parse(key));
        return r;
    });
}

std::optional<ImageRecord> ImageStore::find(const Reference& ref) const {
    std::string key = ref.digest.empty() ? ref.to_string() : ref.with_digest(ref.digest).to_string();
    RefMap refs = read_refs(layout::refs(root_));
    auto it = refs.find(key);
    if (it == refs.end()) return std::nullopt;
    return load_record(it->second);
}

std::optional<Digest> ImageStore::find_id(std::string_view text) const {
    std::string id(text);
    if (id.rfind("sha256:", 0) == 0) id = id.substr(7);
    if (id.size() < 4 || !std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    std::set<Digest> matches;
    for (const auto& [key, md] : read_refs(layout::refs(root_))) {
        if (md.hex().rfind(id, 0) == 0) matches.insert(md);
        else if (has_blob(md)) {
            try {
                if (parse_manifest(read_blob(md)).config.digest.hex().rfind(id, 0) == 0) matches.insert(md);
            } catch (const Error&) {
                // A corrupted manifest cannot match; `stack images` reports it.
            }
        }
    }
    if (matches.size() > 1)
        throw Error(fmt::format("image ID \"{}\" is ambiguous: {} images match; give more digits", text, matches.size()));
    if (matches.empty()) return std::nullopt;
    return *matches.begin();
}

ImageRecord ImageStore::resolve(std::string_view text) const {
    std::optional<Reference> ref;
    try {
        ref = Reference::parse(text);
    } catch (const Error&) {
        // Not a reference: maybe an image ID below.
    }
    if (ref)
        if (auto r = find(*ref)) return *r;
    if (auto md = find_id(text)) return load_record(*md);
    throw Error(fmt::format("image \"{}\" is not in the local image store ({}); import it with "
                            "`stack image import FILE` or pull it",
                            text, root_.string()));
}

std::vector<ImageSummary> ImageStore::list() const {
    std::map<Digest, ImageSummary> by_digest;
    for (const auto& [key, md] : read_refs(layout::refs(root_))) {
        ImageSummary& s = by_digest[md];
        s.manifest_digest = md;
        s.references.push_back(Reference::parse(key));
    }
    std::vector<ImageSummary> out;
    for (auto& [md, s] : by_digest) {
        try {
            Manifest m = parse_manifest(read_blob(md));
            s.config_digest = m.config.digest;
            OciImageConfig c = parse_image_config(read_blob(m.config.digest));
            s.created = c.created;
            for (size_t i = 0; i < m.layers.size(); ++i) {
                uint64_t b = i < c.diff_ids.size() ? layer_bytes(Digest::parse(c.diff_ids[i])) : 0;
                s.size += b ? b : static_cast<uint64_t>(m.layers[i].size);
            }
        } catch (const Error&) {
            // Listed with what the references say; resolve() reports the damage when used.
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace stk::image
