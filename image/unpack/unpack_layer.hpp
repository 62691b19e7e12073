#pragma once
// Extracts one layer tar stream (plain, gzip or zstd: detected from the content) into an
// empty directory, turning docker/OCI whiteouts into what overlayfs expects:
//   .wh.NAME      -> NAME as a 0/0 character device
//   .wh..wh..opq  -> trusted.overlay.opaque="y" on the directory
// Hard links, symlinks, device nodes, ownership, modes, xattrs and mtimes are kept. Entries
// that would leave `dest` (.., absolute paths, through symlinks, hard links to outside) are
// refused with an Error naming the entry; every file is created with openat2(RESOLVE_BENEATH).
#include <cstdint>
#include <filesystem>

#include "image/digest.hpp"

namespace stk::image {

struct UnpackResult {
    Digest diff_id;       // sha256 of the uncompressed tar stream
    uint64_t bytes = 0;   // size of the regular files written
};

UnpackResult unpack_layer(const std::filesystem::path& archive, const std::filesystem::path& dest);

}  // namespace stk::image
