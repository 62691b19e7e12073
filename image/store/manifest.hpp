#pragma once
// Image manifests and indexes (OCI image-spec and docker's schema 2, which share one shape).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/digest.hpp"

namespace stk::image {

namespace media_type {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}  // namespace media_type

struct Platform {
    std::string architecture;
    std::string os;
    std::string variant;
    bool operator==(const Platform&) const = default;
};

struct Descriptor {
    std::string media_type;
    Digest digest;
    int64_t size = 0;
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform;  // entries of an index
    bool operator==(const Descriptor&) const = default;
};

struct Manifest {
    int schema_version = 2;
    std::string media_type = media_type::kOciManifest;
    Descriptor config;
    std::vector<Descriptor> layers;  // base layer first
    std::map<std::string, std::string> annotations;
};

struct ImageIndex {
    int schema_version = 2;
    std::string media_type = media_type::kOciIndex;
    std::vector<Descriptor> manifests;
    std::map<std::string, std::string> annotations;
};

// The manifest's or index's mediaType field (what a registry's Content-Type would say),
// or "" when absent. Throws Error for text that is not a JSON object.
std::string sniff_media_type(std::string_view json);

bool is_index_media_type(std::string_view media_type);     // OCI index, docker manifest list
bool is_manifest_media_type(std::string_view media_type);  // OCI manifest, docker schema 2

// Throw Error naming the field that is missing or has the wrong type.
Manifest parse_manifest(std::string_view json);
ImageIndex parse_index(std::string_view json);
std::string to_json(const Manifest& manifest);
std::string to_json(const ImageIndex& index);

}  // namespace stk::image
