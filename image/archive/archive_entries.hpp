#pragma once
// Reads an image archive (tar, any compression) in one pass: small files (JSON) are kept in
// memory, large ones are streamed into the store as blobs (verified against their
// blobs/sha256/<hex> name when they have one), symlinks are remembered and followed on lookup.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "image/store/image_store.hpp"

namespace stk::image {

class ArchiveEntries {
public:
    ArchiveEntries(const ImageStore& store, const std::filesystem::path& archive);

    bool contains(const std::string& path) const;
    // A small file's bytes; Error naming the path when absent or too large to keep.
    std::string text(const std::string& path) const;
    // The file as a blob in the store (stored now when it was kept in memory).
    Descriptor blob(const std::string& path) const;

private:
    std::string resolve(const std::string& path) const;

    const ImageStore& store_;
    std::filesystem::path archive_;
    std::map<std::string, std::string> small_;
    std::map<std::string, Descriptor> stored_;
    std::map<std::string, std::string> links_;
};

// The layer media type for a blob, from its first bytes (gzip, zstd or plain tar).
std::string layer_media_type(const std::filesystem::path& blob);

}  // namespace stk::image
