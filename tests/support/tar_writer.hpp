#pragma once
// Writes tar archives from a list of entries with libarchive, for tests: image layers (also
// hostile ones: "../x", absolute paths, links out), docker-save and OCI layout archives.
// Header-only; entries carry fixed mtimes so the same list gives the same bytes.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace stk::test {

struct TarEntry {
    enum class Type { File, Dir, Symlink, Hardlink, CharDev, Fifo };
    std::string path;
    Type type = Type::File;
    std::string content;   // File
    std::string link;      // Symlink target / Hardlink target (a path in the archive)
    unsigned mode = 0644;
    unsigned uid = 0, gid = 0;
    unsigned dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;

    static TarEntry file(std::string p, std::string c, unsigned m = 0644) {
        TarEntry e; e.path = std::move(p); e.content = std::move(c); e.mode = m; return e;
    }
    static TarEntry dir(std::string p, unsigned m = 0755) {
        TarEntry e; e.path = std::move(p); e.type = Type::Dir; e.mode = m; return e;
    }
    static TarEntry symlink(std::string p, std::string target) {
        TarEntry e; e.path = std::move(p); e.type = Type::Symlink; e.link = std::move(target); e.mode = 0777; return e;
    }
    static TarEntry hardlink(std::string p, std::string target) {
        TarEntry e; e.path = std::move(p); e.type = Type::Hardlink; e.link = std::move(target); return e;
    }
};

enum class TarCompression { None, Gzip, Zstd };

inline void write_tar(const std::filesystem::path& out, const std::vector<TarEntry>& entries,
                      TarCompression compression = TarCompression::None) {
    struct archive* a = archive_write_new();
    auto fail = [&](const std::string& what) {
        std::string msg = what + ": " + (archive_error_string(a) ? archive_error_string(a) : "?");
        archive_write_free(a);
        throw std::runtime_error("write_tar " + out.string() + ": " + msg);
    };
    archive_write_set_format_pax_restricted(a);
    if (compression == TarCompression::Gzip && archive_write_add_filter_gzip(a) != ARCHIVE_OK) fail("gzip");
    if (compression == TarCompression::Zstd && archive_write_add_filter_zstd(a) != ARCHIVE_OK) fail("zstd");
    if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) fail("open");
    for (const auto& e : entries) {
        struct archive_entry* ae = archive_entry_new();
        archive_entry_set_pathname(ae, e.path.c_str());
        archive_entry_set_uid(ae, e.uid);
        archive_entry_set_gid(ae, e.gid);
        archive_entry_set_mtime(ae, 1700000000, 0);
        archive_entry_set_perm(ae, e.mode);
        switch (e.type) {
            case TarEntry::Type::File:
                archive_entry_set_filetype(ae, AE_IFREG);
                archive_entry_set_size(ae, static_cast<la_int64_t>(e.content.size()));
                break;
            case TarEntry::Type::Dir: archive_entry_set_filetype(ae, AE_IFDIR); break;
            case TarEntry::Type::Symlink:
                archive_entry_set_filetype(ae, AE_IFLNK);
                archive_entry_set_symlink(ae, e.link.c_str());
                break;
            case TarEntry::Type::Hardlink:
                archive_entry_set_filetype(ae, AE_IFREG);
                archive_entry_set_hardlink(ae, e.link.c_str());
                archive_entry_set_size(ae, 0);
                break;
            case TarEntry::Type::CharDev:
                archive_entry_set_filetype(ae, AE_IFCHR);
                archive_entry_set_rdev(ae, makedev(e.dev_major, e.dev_minor));
                break;
            case TarEntry::Type::Fifo: archive_entry_set_filetype(ae, AE_IFIFO); break;
        }
        for (const auto& [k, v] : e.xattrs) archive_entry_xattr_add_entry(ae, k.c_str(), v.data(), v.size());
        if (archive_write_header(a, ae) != ARCHIVE_OK) { archive_entry_free(ae); fail("header " + e.path); }
        if (e.type == TarEntry::Type::File && !e.content.empty() &&
            archive_write_data(a, e.content.data(), e.content.size()) < 0) {
            archive_entry_free(ae);
            fail("data " + e.path);
        }
        archive_entry_free(ae);
    }
    if (archive_write_close(a) != ARCHIVE_OK) fail("close");
    archive_write_free(a);
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Archives a directory tree as it is (paths relative to `dir`, regular files and dirs only).
inline void tar_directory(const std::filesystem::path& dir, const std::filesystem::path& out) {
    std::vector<TarEntry> entries;
    for (auto it = std::filesystem::recursive_directory_iterator(dir);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
        std::string rel = std::filesystem::relative(it->path(), dir).string();
        if (it->is_directory()) entries.push_back(TarEntry::dir(rel));
        else entries.push_back(TarEntry::file(rel, slurp(it->path())));
    }
    write_tar(out, entries);
}

}  // namespace stk::test
