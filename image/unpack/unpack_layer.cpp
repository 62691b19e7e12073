#include "image/unpack/unpack_layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <exception>
#include <memory>
#include <span>
#include <string>
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

constexpr size_t kBufferSize = 1 << 20;

// The uncompressed stream of the layer blob (any filter libarchive knows: gzip, zstd, none),
// hashed as the tar reader consumes it: the diff id without a second pass.
struct HashingSource {
    ArchivePtr raw;
    Sha256 hash;
    std::unique_ptr<char[]> storage{new char[kBufferSize]};  // not zeroed: every byte is read into first
    std::span<char> buffer{storage.get(), kBufferSize};

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

// Feeds libarchive from a LayerSource; an exception of the source is kept to be rethrown.
struct CallbackSource {
    const LayerSource& next;
    std::exception_ptr error;

    static la_ssize_t read(struct archive* a, void* self, const void** out) {
        auto* s = static_cast<CallbackSource*>(self);
        try {
            std::string_view piece = s->next();
            *out = piece.data();
            return static_cast<la_ssize_t>(piece.size());
        } catch (...) {
            s->error = std::current_exception();
            archive_set_error(a, EIO, "the layer stream failed");
            return -1;
        }
    }
};

ArchivePtr open_raw(CallbackSource& source) {
    ArchivePtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_raw(a.get());
    if (archive_read_open(a.get(), &source, nullptr, &CallbackSource::read, nullptr) != ARCHIVE_OK)
        throw Error(fmt::format("open: {}", archive_error_string(a.get())));
    struct archive_entry* e;
    if (archive_read_next_header(a.get(), &e) != ARCHIVE_OK)
        throw Error(fmt::format("read: {}", archive_error_string(a.get())));
    return a;
}

UnpackResult unpack_from(CallbackSource& callback, const std::filesystem::path& dest) {
    UniqueFd dest_fd(::open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dest_fd) throw_errno(fmt::format("open \"{}\"", dest.string()));
    HashingSource source;
    source.raw = open_raw(callback);

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
    return UnpackResult{source.hash.finish(), extractor.bytes()};
}

// Runs the unpack; the source's own exception, when it is why libarchive failed, wins.
UnpackResult unpack_checked(CallbackSource& callback, const std::filesystem::path& dest) {
    try {
        return unpack_from(callback, dest);
    } catch (...) {
        if (callback.error) std::rethrow_exception(callback.error);
        throw;
    }
}

}  // namespace

UnpackResult unpack_layer(const std::filesystem::path& archive_path, const std::filesystem::path& dest) {
    return with_context(fmt::format("unpack layer \"{}\"", archive_path.string()), [&] {
        UniqueFd fd(::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open");
        constexpr size_t kBuffer = 1 << 20;
        std::unique_ptr<char[]> buffer(new char[kBuffer]);
        LayerSource read_file = [&]() -> std::string_view {
            for (;;) {
                ssize_t n = ::read(fd.get(), buffer.get(), kBuffer);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) throw_errno("read");
                return {buffer.get(), static_cast<size_t>(n)};
            }
        };
        CallbackSource callback{read_file, {}};
        return unpack_checked(callback, dest);
    });
}

UnpackResult unpack_layer_stream(const LayerSource& source, const std::filesystem::path& dest,
                                 const std::string& what) {
    return with_context(fmt::format("unpack layer {}", what), [&] {
        CallbackSource callback{source, {}};
        return unpack_checked(callback, dest);
    });
}

}  // namespace stk::image
