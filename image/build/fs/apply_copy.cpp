#include "image/build/fs/apply_copy.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::build {
namespace fs = std::filesystem;

namespace {

struct ReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};

std::string rel_of(const std::string& abs) {
    size_t i = 0;
    while (i < abs.size() && abs[i] == '/') ++i;
    return abs.substr(i);
}

void set_owner(const fs::path& p, uid_t uid, gid_t gid) {
    if (::lchown(p.c_str(), uid, gid) != 0) throw_errno(fmt::format("chown \"{}\"", p.string()));
}

void set_mode(const fs::path& p, mode_t mode) {
    if (::chmod(p.c_str(), mode & 07777) != 0) throw_errno(fmt::format("chmod \"{}\"", p.string()));
}

void set_mtime(const fs::path& p, const struct stat& st) {
    timespec times[2] = {st.st_atim, st.st_mtim};
    ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

class Copier {
public:
    Copier(const fs::path& staging, const LayerView& image, const CopyOwnership& own)
        : staging_(staging), image_(image), own_(own) {}

    // Creates the missing ancestors of `rel` (exclusive), like the image has them.
    void parents(const std::string& rel) {
        std::string cur;
        size_t start = 0;
        for (size_t slash; (slash = rel.find('/', start)) != std::string::npos; start = slash + 1) {
            cur = rel.substr(0, slash);
            dir(cur, nullptr);
        }
    }

    // A directory at `rel`: from `src` (a copied directory) or like the image's, else new.
    void dir(const std::string& rel, const struct stat* src) {
        fs::path p = staging_ / rel;
        struct stat existing {};
        bool made = ::lstat(p.c_str(), &existing) != 0;
        if (made && ::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST)
            throw_errno(fmt::format("mkdir \"{}\"", p.string()));
        if (src) {
            set_mode(p, own_.chmod.value_or(src->st_mode));
            apply_owner(p, *src);
            return;
        }
        if (!made) return;
        if (auto in_image = image_.lookup(rel); in_image && S_ISDIR(in_image->st.st_mode)) {
            set_mode(p, in_image->st.st_mode);
            set_owner(p, in_image->st.st_uid, in_image->st.st_gid);
            set_mtime(p, in_image->st);
        } else if (own_.chown) {
            set_owner(p, own_.chown->first, own_.chown->second);
        }
    }

    void file(const CopyEntry& e, const std::string& rel) {
        fs::path p = staging_ / rel;
        ::unlink(p.c_str());
        UniqueFd in(::open(e.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!in) throw_errno(fmt::format("open \"{}\"", e.source.string()));
        UniqueFd out(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!out) throw_errno(fmt::format("create \"{}\"", p.string()));
        off_t left = e.st.st_size;
        while (left > 0) {
            ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr,
                                          static_cast<size_t>(left), 0);
            if (n < 0) throw_errno(fmt::format("copy \"{}\" to \"{}\"", e.source.string(), p.string()));
            if (n == 0) break;
            left -= n;
        }
        out.reset();
        set_mode(p, own_.chmod.value_or(e.st.st_mode));
        apply_owner(p, e.st);
        set_mtime(p, e.st);
    }

    void symlink(const CopyEntry& e, const std::string& rel) {
        fs::path p = staging_ / rel;
        ::unlink(p.c_str());
        std::error_code ec;
        auto target = fs::read_symlink(e.source, ec);
        if (ec) throw Error(fmt::format("readlink \"{}\": {}", e.source.string(), ec.message()));
        if (::symlink(target.c_str(), p.c_str()) != 0)
            throw_errno(fmt::format("symlink \"{}\"", p.string()));
        apply_owner(p, e.st);
        set_mtime(p, e.st);
    }

private:
    void apply_owner(const fs::path& p, const struct stat& src) {
        if (own_.chown) set_owner(p, own_.chown->first, own_.chown->second);
        else if (own_.keep_source_owner) set_owner(p, src.st_uid, src.st_gid);
        else set_owner(p, 0, 0);
    }

    fs::path staging_;
    const LayerView& image_;
    const CopyOwnership& own_;
};

// Returns false (and writes nothing) when `file` is not a tar archive libarchive can read.
bool extract_archive(const fs::path& file, const fs::path& dest, const CopyOwnership& own) {
    std::unique_ptr<archive, ReadDeleter> in(archive_read_new());
    archive_read_support_filter_gzip(in.get());
    archive_read_support_filter_bzip2(in.get());
    archive_read_support_filter_xz(in.get());
    archive_read_support_format_tar(in.get());
    archive_read_support_format_gnutar(in.get());
    if (archive_read_open_filename(in.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) return false;
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(in.get(), &entry);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return false;
    std::unique_ptr<archive, WriteDeleter> out(archive_write_disk_new());
    archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
                                                  ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
                                                  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                  ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    auto fail = [&](archive* a) {
        throw Error(fmt::format("extract \"{}\": {}", file.string(),
                                archive_error_string(a) ? archive_error_string(a) : "error"));
    };
    fs::create_directories(dest);
    for (; r == ARCHIVE_OK || r == ARCHIVE_WARN; r = archive_read_next_header(in.get(), &entry)) {
        std::string name = rel_of(archive_entry_pathname(entry));
        if (name.empty() || name == "." || name == "./") continue;
        archive_entry_copy_pathname(entry, (dest / name).c_str());
        if (const char* hl = archive_entry_hardlink(entry))
            archive_entry_copy_hardlink(entry, (dest / rel_of(hl)).c_str());
        if (own.chown) {
            archive_entry_set_uid(entry, own.chown->first);
            archive_entry_set_gid(entry, own.chown->second);
        }
        if (archive_write_header(out.get(), entry) != ARCHIVE_OK) fail(out.get());
        const void* buf = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        int d;
        while ((d = archive_read_data_block(in.get(), &buf, &size, &offset)) == ARCHIVE_OK)
            if (archive_write_data_block(out.get(), buf, size, offset) != ARCHIVE_OK) fail(out.get());
        if (d != ARCHIVE_EOF) fail(in.get());
        if (archive_write_finish_entry(out.get()) != ARCHIVE_OK) fail(out.get());
    }
    if (r != ARCHIVE_EOF) fail(in.get());
    return true;
}

std::optional<std::string> read_view_file(const LayerView& image, const std::string& rel) {
    auto e = image.lookup(rel);
    if (!e || !S_ISREG(e->st.st_mode)) return std::nullopt;
    std::ifstream in(e->real);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Field 3 (the id) of the line whose first field is `name` in a passwd/group file.
std::optional<unsigned> id_of(const std::optional<std::string>& db, const std::string& name) {
    if (!db) return std::nullopt;
    std::istringstream in(*db);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ls(line);
        for (std::string part; std::getline(ls, part, ':');) f.push_back(part);
        if (f.size() >= 3 && f[0] == name) return static_cast<unsigned>(std::stoul(f[2]));
    }
    return std::nullopt;
}

bool numeric(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

void apply_copy(const CopyPlan& plan, const fs::path& staging, const LayerView& image,
                const CopyOwnership& own, bool extract_archives) {
    Copier c(staging, image, own);
    std::string root_rel = rel_of(plan.dest_root);
    if (plan.dest_is_dir && !root_rel.empty()) {
        c.parents(root_rel);
        c.dir(root_rel, nullptr);
    }
    for (const auto& e : plan.entries) {
        std::string rel = rel_of(e.dest);
        if (rel.empty()) continue;  // the root itself
        c.parents(rel);
        if (S_ISDIR(e.st.st_mode)) c.dir(rel, &e.st);
        else if (S_ISLNK(e.st.st_mode)) c.symlink(e, rel);
        else if (S_ISREG(e.st.st_mode)) {
            if (extract_archives && e.from_archive_candidate) {
                fs::path into = staging / (plan.dest_is_dir ? root_rel : rel_of(fs::path(e.dest).parent_path()));
                if (extract_archive(e.source, into, own)) continue;
            }
            c.file(e, rel);
        } else {
            throw Error(fmt::format("\"{}\": only files, directories and symlinks can be copied",
                                    e.source.string()));
        }
    }
}

std::pair<uid_t, gid_t> resolve_chown(const std::string& spec, const LayerView& image) {
    auto colon = spec.find(':');
    std::string user = spec.substr(0, colon);
    std::string group = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (user.empty()) throw Error(fmt::format("invalid --chown \"{}\": use USER[:GROUP]", spec));
    uid_t uid;
    if (numeric(user)) uid = static_cast<uid_t>(std::stoul(user));
    else if (auto id = id_of(read_view_file(image, "etc/passwd"), user)) uid = *id;
    else throw Error(fmt::format("--chown: unknown user \"{}\" (not in the image's /etc/passwd)", user));
    gid_t gid = uid;
    if (!group.empty()) {
        if (numeric(group)) gid = static_cast<gid_t>(std::stoul(group));
        else if (auto id = id_of(read_view_file(image, "etc/group"), group)) gid = *id;
        else throw Error(fmt::format("--chown: unknown group \"{}\" (not in the image's /etc/group)", group));
    }
    return {uid, gid};
}

mode_t parse_chmod(const std::string& spec) {
    if (spec.empty() || spec.size() > 4 || spec.find_first_not_of("01234567") != std::string::npos)
        throw Error(fmt::format("invalid --chmod \"{}\": use an octal mode such as 755", spec));
    return static_cast<mode_t>(std::stoul(spec, nullptr, 8));
}

}  // namespace stk::build
