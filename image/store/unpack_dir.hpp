#pragma once
// A fresh directory in the store's tmp/ that one layer is unpacked into (its root/ made 0755),
// removed when dropped unless published. publish() is the only way a layer enters layers/: it
// checks the diff id, writes the marker and renames the directory into place. The caller holds
// the layer's lock, and layers/<diff id>/ has been removed (an interrupted earlier unpack).
#include <filesystem>

#include "image/digest.hpp"
#include "image/store/manifest.hpp"
#include "image/unpack/unpack_layer.hpp"

namespace stk::image {

class UnpackDir {
public:
    UnpackDir(const std::filesystem::path& store_root, const Digest& diff_id);
    ~UnpackDir();
    UnpackDir(const UnpackDir&) = delete;
    UnpackDir& operator=(const UnpackDir&) = delete;

    std::filesystem::path root() const;  // where the files go

    // Throws Error "blob …: its uncompressed content has digest …" when `r` is not `diff_id`.
    // Returns the published layer's root/.
    std::filesystem::path publish(const Descriptor& blob, const Digest& diff_id, const UnpackResult& r);

private:
    std::filesystem::path store_root_;
    std::filesystem::path dir_;
    bool published_ = false;
};

// The error for a layer whose uncompressed content is not what the image config says.
[[noreturn]] void throw_diff_id_mismatch(const Descriptor& blob, const Digest& got, const Digest& expected);

}  // namespace stk::image
