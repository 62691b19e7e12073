#pragma once
// Extracts one layer tar stream (plain, gzip or zstd: detected from the content) into an
// empty directory, turning docker/OCI whiteouts into what overlayfs expects:
//   .wh.NAME      -> NAME as a 0/0 character device
//   .wh..wh..opq  -> trusted.overlay.opaque="y" on the directory
// Hard links, symlinks, device nodes, ownership, modes, xattrs and mtimes are kept. Entries
// that would leave `dest` (.., absolute paths, through symlinks, hard links to outside) are
// refused with an Error naming the entry; every file is created with openat2(RESOLVE_BENEATH).
// Nothing is synced: the store decides about durability (image_store.hpp).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "image/digest.hpp"

namespace stk::image {

struct UnpackResult {
    Digest diff_id;       // sha256 of the uncompressed tar stream
    uint64_t bytes = 0;   // size of the regular files written
};

UnpackResult unpack_layer(const std::filesystem::path& archive, const std::filesystem::path& dest);

// The next piece of a (compressed) layer blob, valid until the next call; empty at its end.
// May throw to give up.
using LayerSource = std::function<std::string_view()>;

// As unpack_layer(), reading the blob from `source` as it arrives (a download in progress).
// `what` names the blob in errors.
UnpackResult unpack_layer_stream(const LayerSource& source, const std::filesystem::path& dest,
                                 const std::string& what);

}  // namespace stk::image
