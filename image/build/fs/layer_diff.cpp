#include "image/build/fs/layer_diff.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "image/build/fs/layer_view.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::build {
namespace fs = std::filesystem;

namespace {

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};
struct ResolverDeleter {
    void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

la_ssize_t write_to_blob(archive*, void* client, const void* buf, size_t size) {
    try {
        static_cast<image::BlobWriter*>(client)->write(buf, size);
        return static_cast<la_ssize_t>(size);
    } catch (...) {
        return -1;
    }
}

bool overlay_xattr(std::string_view name) {
    return name.rfind("trusted.overlay.", 0) == 0 || name.rfind("user.overlay.", 0) == 0;
}

class DiffWriter {
public:
    DiffWriter(image::BlobWriter& writer, const DiffFilter& skip) : skip_(skip) {
        a_.reset(archive_write_new());
        archive_write_set_format_pax_restricted(a_.get());
        archive_write_set_bytes_in_last_block(a_.get(), 1);
        if (archive_write_open(a_.get(), &writer, nullptr, write_to_blob, nullptr) != ARCHIVE_OK)
            fail("open tar writer", "");
        resolver_.reset(archive_entry_linkresolver_new());
        archive_entry_linkresolver_set_strategy(resolver_.get(), archive_format(a_.get()));
    }

    void walk(const fs::path& root, const std::string& rel) {
        fs::path dir = rel.empty() ? root : root / rel;
        std::vector<std::string> names;
        if (DIR* d = ::opendir(dir.c_str())) {
            while (dirent* ent = ::readdir(d)) {
                std::string n = ent->d_name;
                if (n != "." && n != "..") names.push_back(std::move(n));
            }
            ::closedir(d);
        } else {
            throw_errno(fmt::format("open directory \"{}\"", dir.string()));
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            std::string child = rel.empty() ? name : rel + "/" + name;
            fs::path path = root / child;
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0) throw_errno(fmt::format("lstat \"{}\"", path.string()));
            if (skip_ && skip_(child, st)) continue;
            if (is_whiteout(st)) {
                write_marker(rel.empty() ? ".wh." + name : rel + "/.wh." + name, st);
                continue;
            }
            write_entry(path, child, st);
            if (S_ISDIR(st.st_mode)) {
                if (is_opaque_dir(path)) write_marker(child + "/.wh..wh..opq", st);
                walk(root, child);
            }
        }
    }

    void finish() {
        // Hard links whose other names were never seen are written as plain files last.
        archive_entry* spare = nullptr;
        archive_entry* e = nullptr;
        archive_entry_linkify(resolver_.get(), &e, &spare);
        while (e) {
            write_header_and_data(e, archive_entry_sourcepath(e));
            archive_entry_free(e);
            e = nullptr;
            archive_entry_linkify(resolver_.get(), &e, &spare);
        }
        if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("finish tar", "");
    }

private:
    [[noreturn]] void fail(const std::string& what, const std::string& path) {
        throw Error(fmt::format("layer diff: {}{}: {}", what, path.empty() ? "" : " \"" + path + "\"",
                                archive_error_string(a_.get()) ? archive_error_string(a_.get())
                                                                : "unknown error"));
    }

    void write_marker(const std::string& name, const struct stat& like) {
        std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0);
        archive_entry_set_size(e.get(), 0);
        archive_entry_set_mtime(e.get(), like.st_mtim.tv_sec, like.st_mtim.tv_nsec);
        if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail("write", name);
    }

    void add_xattrs(archive_entry* e, const fs::path& path) {
        ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
        if (len <= 0) return;
        std::string names(static_cast<size_t>(len), '\0');
        len = ::llistxattr(path.c_str(), names.data(), names.size());
        if (len <= 0) return;
        for (size_t pos = 0; pos < static_cast<size_t>(len);) {
            std::string name(names.c_str() + pos);
            pos += name.size() + 1;
            if (overlay_xattr(name)) continue;
            ssize_t vlen = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
            if (vlen < 0) continue;
            std::string value(static_cast<size_t>(vlen), '\0');
            vlen = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
            if (vlen >= 0) archive_entry_xattr_add_entry(e, name.c_str(), value.data(), vlen);
        }
    }

    void write_entry(const fs::path& path, const std::string& rel, const struct stat& st) {
        archive_entry* e = archive_entry_new();
        archive_entry_copy_stat(e, &st);
        archive_entry_set_pathname(e, S_ISDIR(st.st_mode) ? (rel + "/").c_str() : rel.c_str());
        archive_entry_copy_sourcepath(e, path.c_str());
        if (S_ISLNK(st.st_mode)) {
            std::error_code ec;
            auto target = fs::read_symlink(path, ec);
            if (ec) throw Error(fmt::format("readlink \"{}\": {}", path.string(), ec.message()));
            archive_entry_set_symlink(e, target.c_str());
        }
        add_xattrs(e, path);
        archive_entry* spare = nullptr;
        archive_entry_linkify(resolver_.get(), &e, &spare);
        if (e) {
            write_header_and_data(e, path.c_str());
            archive_entry_free(e);
        }
        if (spare) {
            write_header_and_data(spare, archive_entry_sourcepath(spare));
            archive_entry_free(spare);
        }
    }

    void write_header_and_data(archive_entry* e, const char* source) {
        const char* name = archive_entry_pathname(e);
        if (archive_write_header(a_.get(), e) != ARCHIVE_OK) fail("write", name ? name : "");
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) <= 0) return;
        UniqueFd fd(::open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) throw_errno(fmt::format("open \"{}\"", source));
        char buf[1 << 16];
        for (;;) {
            ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0) throw_errno(fmt::format("read \"{}\"", source));
            if (n == 0) break;
            if (archive_write_data(a_.get(), buf, static_cast<size_t>(n)) < 0) fail("write", source);
        }
    }

    const DiffFilter& skip_;
    std::unique_ptr<archive, ArchiveDeleter> a_;
    std::unique_ptr<archive_entry_linkresolver, ResolverDeleter> resolver_;
};

}  // namespace

LayerBlob write_layer_diff(const fs::path& changes, image::BlobWriter& writer,
                           const DiffFilter& skip) {
    return with_context(fmt::format("make a layer of \"{}\"", changes.string()), [&] {
        DiffWriter w(writer, skip);
        w.walk(changes, "");
        w.finish();
        LayerBlob blob;
        blob.size = writer.written();
        blob.digest = writer.commit();
        return blob;
    });
}

}  // namespace stk::build
