#pragma once
// Writes the entries of one layer tar into a directory, one entry at a time, never outside it
// (every parent is opened with RESOLVE_BENEATH, every final name with O_NOFOLLOW / *at calls).
// Directory owners, modes and times are applied by finish(), after their contents.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/sys/unique_fd.hpp"

struct archive;
struct archive_entry;

namespace stk::image {

class LayerExtractor {
public:
    explicit LayerExtractor(int dest_fd) : dest_fd_(dest_fd) {}

    // Extracts the entry whose header was just read (its data is read from `a`).
    void extract(struct archive* a, struct archive_entry* entry);
    void finish();
    uint64_t bytes() const noexcept { return bytes_; }

private:
    struct DirMeta {
        std::string path;
        mode_t mode;
        uid_t uid;
        gid_t gid;
        struct timespec mtime;
    };

    int parent_fd(const std::string& parent);
    void forget_cached(const std::string& path);
    // Makes room for `name` in `dir_fd`: removes what is there unless it is a directory and
    // `keep_dir`. Returns true when a directory was kept.
    bool clear_name(int dir_fd, const std::string& name, bool keep_dir);
    void whiteout(const std::string& parent, const std::string& name);
    void write_file(struct archive* a, int dir_fd, const std::string& name, struct archive_entry* e);

    int dest_fd_;
    std::string cached_parent_;
    UniqueFd cached_fd_;
    std::vector<DirMeta> dirs_;
    uint64_t bytes_ = 0;
};

}  // namespace stk::image
