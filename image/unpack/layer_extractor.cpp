#include "image/unpack/layer_extractor.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "image/unpack/beneath.hpp"
#include "image/unpack/entry_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr la_int64_t kEarlyWritebackBytes = 1 << 20;

void check(int rc, const std::string& what) {
    if (rc != 0) throw_errno(what);
}

struct timespec mtime_of(struct archive_entry* e) {
    struct timespec ts {};
    ts.tv_sec = archive_entry_mtime(e);
    ts.tv_nsec = archive_entry_mtime_nsec(e);
    return ts;
}

// Overlay's own xattrs (opaque, redirect, metacopy...) from an archive could make overlayfs
// look elsewhere; only whiteout conversion sets them.
void set_xattrs(int fd, struct archive_entry* e, const std::string& path) {
    const char* name;
    const void* value;
    size_t size;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        if (std::string_view(name).rfind("trusted.overlay.", 0) == 0) continue;
        check(::fsetxattr(fd, name, value, size, 0), fmt::format("set xattr {} on \"{}\"", name, path));
    }
}

}  // namespace

int LayerExtractor::parent_fd(const std::string& parent) {
    if (!cached_fd_ || cached_parent_ != parent) {
        cached_fd_ = make_dirs_beneath(dest_fd_, parent);
        cached_parent_ = parent;
    }
    return cached_fd_.get();
}

void LayerExtractor::forget_cached(const std::string& path) {
    if (cached_parent_ == path || cached_parent_.rfind(path + "/", 0) == 0 || path.empty()) cached_fd_.reset();
}

bool LayerExtractor::clear_name(int dir_fd, const std::string& name, bool keep_dir) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return false;
        throw_errno(fmt::format("stat \"{}\"", name));
    }
    if (S_ISDIR(st.st_mode)) {
        if (keep_dir) return true;
        // A path through /proc/self/fd names this very directory; remove_all never follows links.
        std::filesystem::remove_all(fmt::format("/proc/self/fd/{}/{}", dir_fd, name));
        return false;
    }
    check(::unlinkat(dir_fd, name.c_str(), 0), fmt::format("remove \"{}\"", name));
    return false;
}

void LayerExtractor::whiteout(const std::string& parent, const std::string& name) {
    int dir = parent_fd(parent);
    if (name == kOpaqueMarker) {
        check(::fsetxattr(dir, "trusted.overlay.opaque", "y", 1, 0),
              fmt::format("mark \"{}\" opaque (trusted.overlay.opaque)", parent.empty() ? "/" : parent));
        return;
    }
    if (name.rfind(".wh..wh.", 0) == 0) return;  // aufs bookkeeping (.wh..wh.plnk): nothing to do
    std::string hidden = name.substr(kWhiteoutPrefix.size());
    clear_name(dir, hidden, false);
    check(::mknodat(dir, hidden.c_str(), S_IFCHR | 0000, makedev(0, 0)),
          fmt::format("make whiteout device for \"{}\"", hidden));
    check(::fchownat(dir, hidden.c_str(), 0, 0, AT_SYMLINK_NOFOLLOW), fmt::format("chown whiteout \"{}\"", hidden));
}

void LayerExtractor::write_file(struct archive* a, int dir_fd, const std::string& name, struct archive_entry* e) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) throw_errno(fmt::format("create \"{}\"", name));
    const void* block;
    size_t size;
    la_int64_t offset;
    int r;
    while ((r = archive_read_data_block(a, &block, &size, &offset)) == ARCHIVE_OK) {
        const char* p = static_cast<const char*>(block);
        while (size) {
            ssize_t n = ::pwrite(fd.get(), p, size, offset);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno(fmt::format("write \"{}\"", name));
            }
            p += n;
            size -= static_cast<size_t>(n);
            offset += n;
        }
    }
    if (r != ARCHIVE_EOF) throw Error(fmt::format("read data: {}", archive_error_string(a)));
    la_int64_t total = archive_entry_size(e);
    check(::ftruncate(fd.get(), total), fmt::format("truncate \"{}\"", name));
    // Starts writing a big file back now (without waiting), so that the one syncfs that makes
    // the layer durable (ImageStore::sync_layers) finds little left to do. Only a hint.
    if (total >= kEarlyWritebackBytes) ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    bytes_ += static_cast<uint64_t>(total);
    check(::fchown(fd.get(), archive_entry_uid(e), archive_entry_gid(e)), fmt::format("chown \"{}\"", name));
    check(::fchmod(fd.get(), archive_entry_perm(e)), fmt::format("chmod \"{}\"", name));
    set_xattrs(fd.get(), e, name);
    struct timespec ts[2] = {mtime_of(e), mtime_of(e)};
    check(::futimens(fd.get(), ts), fmt::format("set times of \"{}\"", name));
}

void LayerExtractor::extract(struct archive* a, struct archive_entry* e) {
    const char* raw = archive_entry_pathname(e);
    if (!raw) throw Error("entry without a path");
    std::string path = clean_entry_path(raw);
    with_context(fmt::format("entry \"{}\"", raw), [&] {
        if (path.empty()) return;  // "./": the layer directory itself
        forget_cached(path);
        auto [parent, name] = split_parent(path);
        if (name.rfind(kWhiteoutPrefix, 0) == 0) return whiteout(parent, name);
        int dir = parent_fd(parent);
        uid_t uid = static_cast<uid_t>(archive_entry_uid(e));
        gid_t gid = static_cast<gid_t>(archive_entry_gid(e));
        struct timespec ts[2] = {mtime_of(e), mtime_of(e)};

        if (const char* link = archive_entry_hardlink(e)) {
            std::string target = clean_entry_path(link);
            auto [tparent, tname] = split_parent(target);
            UniqueFd tdir = open_dir_beneath(dest_fd_, tparent, false);
            clear_name(dir, name, false);
            // Without AT_SYMLINK_FOLLOW a link to a symlink links the symlink itself, never
            // what it points at: nothing outside the layer can be reached.
            check(::linkat(tdir.get(), tname.c_str(), dir, name.c_str(), 0),
                  fmt::format("hard link to \"{}\"", target));
            return;
        }
        mode_t type = archive_entry_filetype(e);
        mode_t perm = archive_entry_perm(e);
        switch (type) {
            case AE_IFDIR: {
                if (!clear_name(dir, name, true))
                    check(::mkdirat(dir, name.c_str(), 0700), "mkdir");
                UniqueFd d = open_dir_beneath(dest_fd_, path, false);
                set_xattrs(d.get(), e, path);
                dirs_.push_back({path, perm, uid, gid, mtime_of(e)});
                return;
            }
            case AE_IFREG: clear_name(dir, name, false); return write_file(a, dir, name, e);
            case AE_IFLNK: {
                const char* target = archive_entry_symlink(e);
                if (!target) throw Error("symbolic link without a target");
                clear_name(dir, name, false);
                check(::symlinkat(target, dir, name.c_str()), "symlink");
                break;
            }
            case AE_IFCHR:
            case AE_IFBLK:
            case AE_IFIFO:
                clear_name(dir, name, false);
                check(::mknodat(dir, name.c_str(), type | perm, archive_entry_rdev(e)), "mknod");
                break;
            default: return;  // sockets: nothing to recreate
        }
        check(::fchownat(dir, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW), "chown");
        if (type != AE_IFLNK) check(::fchmodat(dir, name.c_str(), perm, 0), "chmod");
        check(::utimensat(dir, name.c_str(), ts, AT_SYMLINK_NOFOLLOW), "set times");
    });
}

void LayerExtractor::finish() {
    cached_fd_.reset();
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
        UniqueFd d = open_dir_beneath(dest_fd_, it->path, true);
        if (!d) continue;  // replaced by a later entry
        check(::fchown(d.get(), it->uid, it->gid), fmt::format("chown \"{}\"", it->path));
        check(::fchmod(d.get(), it->mode), fmt::format("chmod \"{}\"", it->path));
        struct timespec ts[2] = {it->mtime, it->mtime};
        check(::futimens(d.get(), ts), fmt::format("set times of \"{}\"", it->path));
    }
}

}  // namespace stk::image
