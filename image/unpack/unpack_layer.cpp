#include "image/unpack/unpack_layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include <fmt/format.h>

#include "image/unpack/layer_extractor.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

struct ArchiveDeleter {
    void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

// The uncompressed stream of the layer blob (any filter libarchive knows: gzip, zstd, none),
// hashed as the tar reader consumes it: the diff id without a second pass.
struct HashingSource {
    ArchivePtr raw;
    Sha256 hash;
    std::vector<char> buffer = std::vector<char>(1 << 20);

    static la_ssize_t read(struct archive* outer, void* self, const void** out) {
        auto* s = static_cast<HashingSource*>(self);
        la_ssize_t n = archive_read_data(s->raw.get(), s->buffer.data(), s->buffer.size());
        if (n < 0) {
            archive_set_error(outer, EIO, "decompress: %s", archive_error_string(s->raw.get()));
            return -1;
        }
        s->hash.update(s->buffer.data(), static_cast<size_t>(n));
        *out = s->buffer.data();
        return n;
    }

    // The tar reader stops at the end-of-archive blocks; what follows still counts.
    void drain() {
        la_ssize_t n;
        while ((n = archive_read_data(raw.get(), buffer.data(), buffer.size())) > 0)
            hash.update(buffer.data(), static_cast<size_t>(n));
        if (n < 0) throw Error(fmt::format("decompress: {}", archive_error_string(raw.get())));
    }
};

ArchivePtr open_raw(const std::filesystem::path& path) {
    ArchivePtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_raw(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK)
        throw Error(fmt::format("open: {}", archive_error_string(a.get())));
    struct archive_entry* e;
    if (archive_read_next_header(a.get(), &e) != ARCHIVE_OK)
        throw Error(fmt::format("read: {}", archive_error_string(a.get())));
    return a;
}

}  // namespace

UnpackResult unpack_layer(const std::filesystem::path& archive_path, const std::filesystem::path& dest) {
    return with_context(fmt::format("unpack layer \"{}\"", archive_path.string()), [&] {
        UniqueFd dest_fd(::open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dest_fd) throw_errno(fmt::format("open \"{}\"", dest.string()));
        HashingSource source;
        source.raw = open_raw(archive_path);

        ArchivePtr tar(archive_read_new());
        archive_read_support_format_tar(tar.get());
        archive_read_support_filter_none(tar.get());
        if (archive_read_open(tar.get(), &source, nullptr, &HashingSource::read, nullptr) != ARCHIVE_OK)
            throw Error(fmt::format("not a tar archive: {}", archive_error_string(tar.get())));
        LayerExtractor extractor(dest_fd.get());
        struct archive_entry* entry;
        int r;
        while ((r = archive_read_next_header(tar.get(), &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN)
            extractor.extract(tar.get(), entry);
        if (r != ARCHIVE_EOF) throw Error(fmt::format("read tar: {}", archive_error_string(tar.get())));
        extractor.finish();
        source.drain();
        if (::syncfs(dest_fd.get()) != 0) throw_errno(fmt::format("syncfs \"{}\"", dest.string()));
        return UnpackResult{source.hash.finish(), extractor.bytes()};
    });
}

}  // namespace stk::image
