#include "image/store/manifest.hpp"

#include "image/store/json_fields.hpp"

namespace stk::image {
namespace {
using namespace json_fields;

Descriptor descriptor_of(const json& j, const std::string& where) {
    if (!j.is_object()) throw Error(fmt::format("{}: expected a descriptor object", where));
    Descriptor d;
    d.media_type = string_or(j, "mediaType", where);
    std::string digest = string_or(j, "digest", where);
    if (digest.empty()) throw Error(fmt::format("{}: digest is missing", where));
    d.digest = with_context(where, [&] { return Digest::parse(digest); });
    const json* size = member(j, "size");
    if (!size || !size->is_number_integer() || size->get<int64_t>() < 0)
        throw Error(fmt::format("{}: size must be a non-negative integer", where));
    d.size = size->get<int64_t>();
    d.annotations = string_map(j, "annotations", where);
    if (const json* p = member(j, "platform")) {
        if (!p->is_object()) throw Error(fmt::format("{}.platform: expected an object", where));
        d.platform = Platform{string_or(*p, "architecture", where + ".platform"),
                              string_or(*p, "os", where + ".platform"),
                              string_or(*p, "variant", where + ".platform")};
    }
    return d;
}

json descriptor_json(const Descriptor& d) {
    json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
    if (!d.annotations.empty()) j["annotations"] = d.annotations;
    if (d.platform) {
        json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
        if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
        j["platform"] = p;
    }
    return j;
}

std::vector<Descriptor> descriptor_list(const json& j, const char* key, const char* what) {
    const json* list = member(j, key);
    if (!list || !list->is_array()) throw Error(fmt::format("{}: {} must be a list", what, key));
    std::vector<Descriptor> out;
    for (size_t i = 0; i < list->size(); ++i)
        out.push_back(descriptor_of((*list)[i], fmt::format("{}.{}[{}]", what, key, i)));
    return out;
}

int schema_version_of(const json& j, const char* what) {
    const json* v = member(j, "schemaVersion");
    if (!v || !v->is_number_integer() || v->get<int>() != 2)
        throw Error(fmt::format("{}: schemaVersion must be 2", what));
    return 2;
}

}  // namespace

std::string sniff_media_type(std::string_view text) {
    json j = parse_object(text, "manifest");
    return string_or(j, "mediaType", "manifest");
}

bool is_index_media_type(std::string_view m) {
    return m == media_type::kOciIndex || m == media_type::kDockerManifestList;
}

bool is_manifest_media_type(std::string_view m) {
    return m == media_type::kOciManifest || m == media_type::kDockerManifest;
}

Manifest parse_manifest(std::string_view text) {
    json j = parse_object(text, "manifest");
    Manifest m;
    m.schema_version = schema_version_of(j, "manifest");
    m.media_type = string_or(j, "mediaType", "manifest", media_type::kOciManifest);
    if (!is_manifest_media_type(m.media_type))
        throw Error(fmt::format("manifest: mediaType \"{}\" is not an image manifest", m.media_type));
    const json* config = member(j, "config");
    if (!config) throw Error("manifest: config is missing");
    m.config = descriptor_of(*config, "manifest.config");
    m.layers = descriptor_list(j, "layers", "manifest");
    m.annotations = string_map(j, "annotations", "manifest");
    return m;
}

ImageIndex parse_index(std::string_view text) {
    json j = parse_object(text, "index");
    ImageIndex x;
    x.schema_version = schema_version_of(j, "index");
    x.media_type = string_or(j, "mediaType", "index", media_type::kOciIndex);
    if (!is_index_media_type(x.media_type))
        throw Error(fmt::format("index: mediaType \"{}\" is not an image index", x.media_type));
    x.manifests = descriptor_list(j, "manifests", "index");
    x.annotations = string_map(j, "annotations", "index");
    return x;
}

std::string to_json(const Manifest& m) {
    json j = {{"schemaVersion", m.schema_version}, {"mediaType", m.media_type},
              {"config", descriptor_json(m.config)}};
    json layers = json::array();
    for (const auto& l : m.layers) layers.push_back(descriptor_json(l));
    j["layers"] = layers;
    if (!m.annotations.empty()) j["annotations"] = m.annotations;
    return j.dump();
}

std::string to_json(const ImageIndex& x) {
    json j = {{"schemaVersion", x.schema_version}, {"mediaType", x.media_type}};
    json ms = json::array();
    for (const auto& d : x.manifests) ms.push_back(descriptor_json(d));
    j["manifests"] = ms;
    if (!x.annotations.empty()) j["annotations"] = x.annotations;
    return j.dump();
}

}  // namespace stk::image
