#pragma once
// The filesystem change of one build step as an OCI layer: a tar (libarchive, pax) of a
// directory holding only what changed (an overlay upper dir, or what COPY wrote), with
// overlayfs' whiteouts turned into OCI ones:
//   NAME as a 0/0 character device         -> .wh.NAME
//   a directory with overlay.opaque = "y"  -> the directory and DIR/.wh..wh..opq
// overlay's own xattrs are dropped; hard links within the layer stay hard links. Entries are
// written in sorted order so the same change gives the same digest.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "image/digest.hpp"
#include "image/store/blob_writer.hpp"

namespace stk::build {

struct LayerBlob {
    image::Digest digest;  // of the uncompressed tar: also the diff id
    uint64_t size = 0;
};

// Skips an entry (and, for a directory, everything below it) when `skip` returns true.
using DiffFilter = std::function<bool(const std::string& rel, const struct stat& st)>;

// Streams the tar into `writer` and commits it. Throws stk::Error naming the path that failed.
LayerBlob write_layer_diff(const std::filesystem::path& changes, image::BlobWriter& writer,
                           const DiffFilter& skip = {});

}  // namespace stk::build
