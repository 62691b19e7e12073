#include "image/archive/archive_entries.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "image/unpack/entry_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

constexpr la_int64_t kKeepInMemory = 1 << 20;

struct ArchiveDeleter {
    void operator()(struct archive* a) const { archive_read_free(a); }
};

std::optional<Digest> digest_from_name(const std::string& path) {
    const std::string prefix = "blobs/sha256/";
    if (path.rfind(prefix, 0) != 0) return std::nullopt;
    std::string hex = path.substr(prefix.size());
    if (!Digest::valid("sha256:" + hex)) return std::nullopt;
    return Digest::from_hex(hex);
}

// "a/b" + "../c" -> "c"
std::string join_link(const std::string& entry, const std::string& target) {
    if (!target.empty() && target.front() == '/') return clean_entry_path(target.substr(1));
    auto [dir, name] = split_parent(entry);
    std::vector<std::string> parts;
    std::string all = dir.empty() ? target : dir + "/" + target;
    size_t start = 0;
    while (start <= all.size()) {
        size_t end = all.find('/', start);
        if (end == std::string::npos) end = all.size();
        std::string p = all.substr(start, end - start);
        if (p == "..") {
            if (parts.empty()) throw Error(fmt::format("symlink \"{}\" -> \"{}\" leaves the archive", entry, target));
            parts.pop_back();
        } else if (!p.empty() && p != ".") {
            parts.push_back(p);
        }
        start = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

}  // namespace

ArchiveEntries::ArchiveEntries(const ImageStore& store, const std::filesystem::path& path)
    : store_(store), archive_(path) {
    std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK)
        throw Error(fmt::format("open \"{}\": {}", path.string(), archive_error_string(a.get())));
    struct archive_entry* e;
    int r;
    std::vector<char> buf(1 << 20);
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        std::string name = clean_entry_path(archive_entry_pathname(e));
        if (archive_entry_filetype(e) == AE_IFLNK) {
            links_[name] = join_link(name, archive_entry_symlink(e));
            continue;
        }
        if (const char* hard = archive_entry_hardlink(e)) {
            links_[name] = clean_entry_path(hard);
            continue;
        }
        if (archive_entry_filetype(e) != AE_IFREG) continue;
        la_int64_t size = archive_entry_size(e);
        std::optional<Digest> named = digest_from_name(name);
        with_context(fmt::format("\"{}\" in \"{}\"", name, path.string()), [&] {
            if (size <= kKeepInMemory) {
                std::string content(static_cast<size_t>(size), '\0');
                if (archive_read_data(a.get(), content.data(), content.size()) != size)
                    throw Error(fmt::format("short read: {}", archive_error_string(a.get())));
                if (named && Digest::of(content) != *named)
                    throw Error(fmt::format("content has digest {}; refused (corrupted blob)", Digest::of(content).str()));
                small_[name] = std::move(content);
                return;
            }
            BlobWriter w = store_.blob_writer(named, static_cast<uint64_t>(size));
            la_ssize_t n;
            while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) w.write(buf.data(), static_cast<size_t>(n));
            if (n < 0) throw Error(fmt::format("read: {}", archive_error_string(a.get())));
            Digest d = w.commit();
            stored_[name] = Descriptor{"", d, size, {}, {}};
        });
    }
    if (r != ARCHIVE_EOF) throw Error(fmt::format("read \"{}\": {}", path.string(), archive_error_string(a.get())));
}

std::string ArchiveEntries::resolve(const std::string& raw) const {
    std::string path = clean_entry_path(raw);
    for (int hops = 0; hops < 16; ++hops) {
        auto it = links_.find(path);
        if (it == links_.end()) return path;
        path = it->second;
    }
    throw Error(fmt::format("\"{}\" in \"{}\": too many levels of links", raw, archive_.string()));
}

bool ArchiveEntries::contains(const std::string& path) const {
    std::string p = resolve(path);
    return small_.count(p) || stored_.count(p);
}

std::string ArchiveEntries::text(const std::string& path) const {
    std::string p = resolve(path);
    auto it = small_.find(p);
    if (it != small_.end()) return it->second;
    if (stored_.count(p)) throw Error(fmt::format("\"{}\" in \"{}\" is too large for metadata", path, archive_.string()));
    throw Error(fmt::format("\"{}\" is missing from \"{}\"", path, archive_.string()));
}

Descriptor ArchiveEntries::blob(const std::string& path) const {
    std::string p = resolve(path);
    if (auto it = stored_.find(p); it != stored_.end()) return it->second;
    auto it = small_.find(p);
    if (it == small_.end()) throw Error(fmt::format("\"{}\" is missing from \"{}\"", path, archive_.string()));
    Digest d = store_.put_blob(it->second);
    return Descriptor{"", d, static_cast<int64_t>(it->second.size()), {}, {}};
}

std::string layer_media_type(const std::filesystem::path& blob) {
    unsigned char magic[4] = {};
    std::ifstream in(blob, std::ios::binary);
    in.read(reinterpret_cast<char*>(magic), 4);
    if (magic[0] == 0x1f && magic[1] == 0x8b) return media_type::kOciLayerGzip;
    if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) return media_type::kOciLayerZstd;
    return media_type::kOciLayer;
}

}  // namespace stk::image
