#include "image/store/unpack_dir.hpp"

#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "image/store/boot_id.hpp"
#include "image/store/store_layout.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image {
namespace fs = std::filesystem;

UnpackDir::UnpackDir(const fs::path& store_root, const Digest& diff_id) : store_root_(store_root) {
    std::string tmpl = (layout::tmp(store_root) / ("unpack-" + diff_id.short_hex() + "-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw_errno(fmt::format("mkdtemp \"{}\"", tmpl));
    dir_ = tmpl;
    fs::permissions(dir_, fs::perms(0755));
    fs::create_directory(root());
    fs::permissions(root(), fs::perms(0755));
}

UnpackDir::~UnpackDir() {
    if (published_) return;
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

fs::path UnpackDir::root() const { return dir_ / layout::kLayerRoot; }

void throw_diff_id_mismatch(const Descriptor& blob, const Digest& got, const Digest& expected) {
    throw Error(fmt::format("blob {}: its uncompressed content has digest {}, the image config "
                            "says {}; refused (corrupted or wrong layer)",
                            blob.digest.str(), got.str(), expected.str()));
}

fs::path UnpackDir::publish(const Descriptor& blob, const Digest& diff_id, const UnpackResult& r) {
    if (r.diff_id != diff_id) throw_diff_id_mismatch(blob, r.diff_id, diff_id);
    // No sync here: ImageStore::sync_layers() makes layers durable, one syncfs for many.
    nlohmann::json marker = {
        {"diff_id", diff_id.str()}, {"bytes", r.bytes}, {"blob", blob.digest.str()}, {"boot_id", boot_id()}};
    write_file_atomic(dir_ / layout::kLayerMarker, marker.dump() + "\n", 0644, FileSync::Volatile);
    fs::path target = layout::layer(store_root_, diff_id);
    if (::rename(dir_.c_str(), target.c_str()) != 0)
        throw_errno(fmt::format("rename \"{}\" to \"{}\"", dir_.string(), target.string()));
    published_ = true;
    return target / layout::kLayerRoot;
}

}  // namespace stk::image
