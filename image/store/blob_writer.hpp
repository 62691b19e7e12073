#pragma once
// Writes one blob into the store: bytes go to a temporary file inside the store while being
// hashed; commit() renames it to blobs/sha256/<hex> only when the digest (and size, when
// known) match what was expected. Dropped without commit(): the temporary file is removed,
// except for a resumable writer, whose partial file (named after the expected digest) stays for
// the next writer of that blob to resume; it re-hashes the kept bytes, and commit() verifies the
// whole as always. Whoever resumes must hold the blob's download lock.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "image/digest.hpp"
#include "image/store/store_lease.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

class BlobWriter {
public:
    // Made by ImageStore::blob_writer(); `tmp_dir` and `blob_dir` are inside the store.
    BlobWriter(StoreLease lease, const std::filesystem::path& tmp_dir, std::filesystem::path blob_dir,
               std::optional<Digest> expected, std::optional<uint64_t> expected_size);
    struct Resumable {};
    BlobWriter(Resumable, StoreLease lease, const std::filesystem::path& tmp_dir, std::filesystem::path blob_dir,
               const Digest& expected, std::optional<uint64_t> expected_size);
    ~BlobWriter();
    BlobWriter(BlobWriter&&) noexcept;
    BlobWriter& operator=(BlobWriter&&) = delete;
    BlobWriter(const BlobWriter&) = delete;
    BlobWriter& operator=(const BlobWriter&) = delete;

    void write(const void* data, size_t size);
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    uint64_t written() const noexcept { return written_; }  // kept bytes of a resumed blob included

    // Drops what was written so far and starts again from byte 0.
    void restart();

    // Verifies and publishes the blob; returns its digest. Throws Error naming both digests
    // on a mismatch (the temporary file is removed, nothing is published).
    Digest commit();

private:
    void discard() noexcept;
    void rehash_kept_bytes();

    StoreLease lease_;
    std::filesystem::path blob_dir_;
    std::filesystem::path tmp_path_;
    UniqueFd fd_;
    Sha256 hash_;
    std::optional<Digest> expected_;
    std::optional<uint64_t> expected_size_;
    uint64_t written_ = 0;
    uint64_t writeback_from_ = 0;  // bytes before this were handed to writeback already
    bool done_ = false;
    bool keep_on_drop_ = false;
};

}  // namespace stk::image
