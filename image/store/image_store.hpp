#pragma once
// The local image store, one directory (default <data root>/images, STACK_DATA_ROOT overrides):
//   blobs/sha256/<hex>       content-addressed blobs: layers (as pulled), manifests, configs
//   layers/<diff id hex>/    one unpacked layer: root/ (the files) and `complete` (written last)
//   refs.json                "docker.io/library/busybox:latest" / "...@sha256:…" -> manifest digest
//   tmp/                     blobs and unpacks in progress (never trusted; removed by prune)
//   locks/                   flock files: one per layer, one for refs, one for garbage collection
// Every method is safe against other threads and processes using the same store.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "image/digest.hpp"
#include "image/reference.hpp"
#include "image/store/blob_writer.hpp"
#include "image/store/manifest.hpp"
#include "image/store/oci_config.hpp"
#include "image/store/store_lease.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

class StreamedLayer;

// One image as a container needs it.
struct ImageRecord {
    Digest manifest_digest;
    Manifest manifest;
    Digest config_digest;             // docker's "image ID"
    OciImageConfig config;
    std::vector<std::filesystem::path> layer_dirs;  // unpacked roots, base layer FIRST
    std::vector<Reference> references;              // every name pointing at this manifest
    uint64_t size = 0;                              // unpacked bytes of all layers

    // Overlay lower dirs: topmost layer first (what runtime::RootfsSpec::lower_dirs wants).
    std::vector<std::filesystem::path> lower_dirs() const {
        return {layer_dirs.rbegin(), layer_dirs.rend()};
    }
};

// One row of `stack images`.
struct ImageSummary {
    Digest manifest_digest;
    Digest config_digest;
    std::vector<Reference> references;  // tags and digest references
    std::string created;                // from the config
    uint64_t size = 0;
};

struct PruneReport {
    std::vector<Digest> blobs_removed;
    std::vector<Digest> layers_removed;  // by diff id
    uint64_t bytes_freed = 0;
};

class ImageStore {
public:
    explicit ImageStore(std::filesystem::path root = default_root());
    static std::filesystem::path default_root();  // data_root() / "images"
    const std::filesystem::path& root() const noexcept { return root_; }

    StoreLease lease() const;

    // --- blobs
    bool has_blob(const Digest& digest) const;
    std::filesystem::path blob_path(const Digest& digest) const;
    // Reads a (small, JSON) blob and re-verifies its digest; throws Error when missing/corrupt.
    std::string read_blob(const Digest& digest) const;
    BlobWriter blob_writer(std::optional<Digest> expected = std::nullopt,
                           std::optional<uint64_t> expected_size = std::nullopt) const;
    // A writer that resumes the partial download of `expected` kept in the store's temp area
    // (blob_writer.hpp); the caller holds the blob's download lock.
    BlobWriter resumable_blob_writer(const Digest& expected, std::optional<uint64_t> expected_size) const;
    // Stores bytes already in memory (manifests, configs); verifies `expected` when given.
    Digest put_blob(std::string_view content, std::optional<Digest> expected = std::nullopt) const;

    // --- layers
    // The unpacked directory (its root/) of the layer with this diff id, unpacking the blob
    // `layer` (tar, tar+gzip or tar+zstd, detected from content) when it is not there yet.
    // Once per layer across threads and processes (flock); the uncompressed stream's sha256
    // must equal `diff_id` or nothing is kept.
    std::filesystem::path ensure_layer(const Descriptor& layer, const Digest& diff_id) const;
    // Starts unpacking `layer` from its blob's bytes as they arrive (streamed_layer.hpp), holding
    // the layer's lock; nullptr when the layer is unpacked already.
    std::unique_ptr<StreamedLayer> stream_layer(const Descriptor& layer, const Digest& diff_id) const;
    // The root/ of a completely unpacked layer, or nullopt. Layers are unpacked without a sync
    // of their own: one unpacked in an earlier boot counts only when a sync_layers() after it
    // finished (else a power loss may have eaten part of it, and it is unpacked again).
    std::optional<std::filesystem::path> layer_root(const Digest& diff_id) const;
    // Makes the unpacked layers durable with one syncfs of the store's file system (when one of
    // them is not yet), then marks them so. put_image() calls it before recording the image.
    void sync_layers(const std::vector<Digest>& diff_ids) const;

    // --- images
    // Stores the manifest and config (their bytes become blobs; the config's digest must match
    // the manifest's config descriptor), checks every layer blob is present, unpacks every
    // layer (diff ids from the config), then points `ref` (and ref@manifest-digest) at it.
    ImageRecord put_image(const Reference& ref, std::string_view manifest_json,
                          std::string_view config_json) const;
    // Points `ref` at a manifest already in the store (`stack image tag`, digest references).
    void tag(const Reference& ref, const Digest& manifest_digest) const;

    // The image `ref` names, with every layer unpacked (a missing layer directory is unpacked
    // again from its blob); nullopt when the store has no such reference.
    std::optional<ImageRecord> find(const Reference& ref) const;
    // As find(), but also accepts an image ID (config digest, or a prefix of >= 4 hex digits)
    // and throws Error "image \"busybox\" is not in the local image store (...)" when absent.
    ImageRecord resolve(std::string_view text) const;

    std::vector<ImageSummary> list() const;

    // Removes a reference, or with an image ID every reference of that image. An image left
    // without references is deleted with the blobs and layers no other image uses.
    // `keep`: manifest digests whose content must stay although untagged (images of existing
    // containers). Returns the references removed; throws Error when `text` matches nothing.
    std::vector<Reference> remove(std::string_view text, const std::set<Digest>& keep = {}) const;

    // Removes blobs and unpacked layers that no referenced image (nor one in `keep`) uses,
    // and leftovers of interrupted writes and unpacks. Waits for every StoreLease to end.
    PruneReport prune(const std::set<Digest>& keep = {}) const;

private:
    void ensure_dirs() const;
    std::filesystem::path lock_path(const std::string& name) const;
    ImageRecord load_record(const Digest& manifest_digest) const;
    std::optional<Digest> find_id(std::string_view text) const;  // image ID (prefix) -> manifest
    uint64_t layer_bytes(const Digest& diff_id) const;           // from the marker; 0 if absent

    std::filesystem::path root_;
};

}  // namespace stk::image
