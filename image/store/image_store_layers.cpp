// ImageStore: unpacked layers, once each, behind a per-layer flock and a completion marker.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "image/store/boot_id.hpp"
#include "image/store/file_lock.hpp"
#include "image/store/image_store.hpp"
#include "image/store/store_layout.hpp"
#include "image/store/streamed_layer.hpp"
#include "image/store/unpack_dir.hpp"
#include "image/unpack/unpack_layer.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image {
namespace fs = std::filesystem;

namespace {

// A marker without a boot id comes from a version of stack that synced every layer itself.
bool unpacked_in_this_boot_or_durable(const fs::path& marker) {
    auto text = read_file_if_exists(marker);
    if (!text) return false;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    auto it = j.find("boot_id");
    return it == j.end() || (it->is_string() && it->get<std::string>() == boot_id());
}

}  // namespace

std::optional<fs::path> ImageStore::layer_root(const Digest& diff_id) const {
    fs::path dir = layout::layer(root_, diff_id);
    if (fs::exists(dir / layout::kLayerSynced) && fs::exists(dir / layout::kLayerMarker))
        return dir / layout::kLayerRoot;
    if (!unpacked_in_this_boot_or_durable(dir / layout::kLayerMarker)) return std::nullopt;
    return dir / layout::kLayerRoot;
}

void ImageStore::sync_layers(const std::vector<Digest>& diff_ids) const {
    std::vector<fs::path> unsynced;
    for (const auto& d : diff_ids) {
        fs::path dir = layout::layer(root_, d);
        if (!fs::exists(dir / layout::kLayerSynced)) unsynced.push_back(dir);
    }
    if (unsynced.empty()) return;
    UniqueFd root_fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) throw_errno(fmt::format("open \"{}\"", root_.string()));
    if (::syncfs(root_fd.get()) != 0) throw_errno(fmt::format("syncfs \"{}\"", root_.string()));
    // The flag needs no sync of its own: lost in a crash, the layer is merely unpacked again.
    for (const auto& dir : unsynced) write_file_atomic(dir / layout::kLayerSynced, "", 0644, FileSync::Volatile);
}

uint64_t ImageStore::layer_bytes(const Digest& diff_id) const {
    auto text = read_file_if_exists(layout::layer(root_, diff_id) / layout::kLayerMarker);
    if (!text) return 0;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("bytes") || !j["bytes"].is_number_unsigned()) return 0;
    return j["bytes"].get<uint64_t>();
}

fs::path ImageStore::ensure_layer(const Descriptor& layer, const Digest& diff_id) const {
    if (auto done = layer_root(diff_id)) return *done;
    return with_context(fmt::format("layer {}", diff_id.str()), [&] {
        StoreLease held = lease();
        UniqueFd lock = lock_file(lock_path("layer-" + diff_id.hex()), LockMode::Exclusive);
        if (auto done = layer_root(diff_id)) return *done;  // another thread or process did it
        fs::remove_all(layout::layer(root_, diff_id));  // not trusted: an interrupted unpack
        if (!has_blob(layer.digest))
            throw Error(fmt::format("layer blob {} is not in the store", layer.digest.str()));
        UnpackDir tmp(root_, diff_id);

        // A blob that rotted on disk: say so, rather than what the damage made the unpacker see.
        auto check_blob = [&] {
            Digest got = Digest::of_file(blob_path(layer.digest));
            if (got != layer.digest)
                throw Error(fmt::format("blob {} in the store is corrupted (its content hashes to {}); refused",
                                        layer.digest.str(), got.str()));
        };
        UnpackResult r;
        try {
            r = unpack_layer(blob_path(layer.digest), tmp.root());
        } catch (const Error&) {
            check_blob();
            throw;
        }
        if (r.diff_id != diff_id) check_blob();
        return tmp.publish(layer, diff_id, r);
    });
}

std::unique_ptr<StreamedLayer> ImageStore::stream_layer(const Descriptor& layer, const Digest& diff_id) const {
    if (layer_root(diff_id)) return nullptr;
    return with_context(fmt::format("layer {}", diff_id.str()), [&]() -> std::unique_ptr<StreamedLayer> {
        StoreLease held = lease();
        UniqueFd lock = lock_file(lock_path("layer-" + diff_id.hex()), LockMode::Exclusive);
        if (layer_root(diff_id)) return nullptr;
        fs::remove_all(layout::layer(root_, diff_id));
        return std::make_unique<StreamedLayer>(std::move(held), std::move(lock), root_, layer, diff_id);
    });
}

}  // namespace stk::image
