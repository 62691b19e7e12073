// ImageStore: unpacked layers, once each, behind a per-layer flock and a completion marker.
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "image/store/file_lock.hpp"
#include "image/store/image_store.hpp"
#include "image/store/store_layout.hpp"
#include "image/unpack/unpack_layer.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/scope_exit.hpp"

namespace stk::image {
namespace fs = std::filesystem;

std::optional<fs::path> ImageStore::layer_root(const Digest& diff_id) const {
    fs::path dir = layout::layer(root_, diff_id);
    if (!fs::exists(dir / layout::kLayerMarker)) return std::nullopt;
    return dir / layout::kLayerRoot;
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
        fs::path dir = layout::layer(root_, diff_id);
        fs::remove_all(dir);  // without its marker: an interrupted unpack, never trusted
        if (!has_blob(layer.digest))
            throw Error(fmt::format("layer blob {} is not in the store", layer.digest.str()));

        std::string tmpl = (layout::tmp(root_) / ("unpack-" + diff_id.short_hex() + "-XXXXXX")).string();
        if (!::mkdtemp(tmpl.data())) throw_errno(fmt::format("mkdtemp \"{}\"", tmpl));
        fs::path tmp = tmpl;
        ScopeExit cleanup([&] { fs::remove_all(tmp); });
        fs::permissions(tmp, fs::perms(0755));
        fs::create_directory(tmp / layout::kLayerRoot);
        fs::permissions(tmp / layout::kLayerRoot, fs::perms(0755));

        // A blob that rotted on disk: say so, rather than what the damage made the unpacker see.
        auto check_blob = [&] {
            Digest got = Digest::of_file(blob_path(layer.digest));
            if (got != layer.digest)
                throw Error(fmt::format("blob {} in the store is corrupted (its content hashes to {}); refused",
                                        layer.digest.str(), got.str()));
        };
        UnpackResult r;
        try {
            r = unpack_layer(blob_path(layer.digest), tmp / layout::kLayerRoot);
        } catch (const Error&) {
            check_blob();
            throw;
        }
        if (r.diff_id != diff_id) check_blob();
        if (r.diff_id != diff_id)
            throw Error(fmt::format("blob {}: its uncompressed content has digest {}, the image config "
                                    "says {}; refused (corrupted or wrong layer)",
                                    layer.digest.str(), r.diff_id.str(), diff_id.str()));
        nlohmann::json marker = {{"diff_id", diff_id.str()}, {"bytes", r.bytes}, {"blob", layer.digest.str()}};
        write_file_atomic(tmp / layout::kLayerMarker, marker.dump() + "\n");
        if (::rename(tmp.c_str(), dir.c_str()) != 0)
            throw_errno(fmt::format("rename \"{}\" to \"{}\"", tmp.string(), dir.string()));
        cleanup.dismiss();
        return dir / layout::kLayerRoot;
    });
}

}  // namespace stk::image
