#pragma once
// What one COPY/ADD copies: the sources (files, directories, wildcards) resolved in a
// SourceTree and mapped to absolute destinations in the image, with docker's rules (a
// directory's contents are copied, several sources need a directory destination, ...).
// Its content hash (destination path + mode + content or link target of every entry) keys
// the build cache.
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "image/build/context/source_tree.hpp"

namespace stk::build {

struct CopyEntry {
    std::string dest;              // absolute path in the image
    std::filesystem::path source;  // the real file to read
    struct stat st {};
    bool from_archive_candidate = false;  // ADD: a top-level file that may be a tar to extract
};

struct CopyPlan {
    std::string dest_root;           // the destination as resolved (absolute)
    bool dest_is_dir = false;
    std::vector<CopyEntry> entries;  // parents before children
};

// `sources` and `dest` are expanded; `dest` is absolute (the builder applied WORKDIR).
// `dest_is_existing_dir`: the image already has a directory at `dest`. Throws stk::Error
// ("file not found in build context or excluded by .dockerignore: stat x: ...").
CopyPlan plan_copy(const SourceTree& tree, const std::vector<std::string>& sources,
                   const std::string& dest, bool dest_is_existing_dir, bool add);

// Content hashes of files by (device, inode, size, mtime), shared by the steps of a build.
class FileHashCache {
public:
    std::string hash_file(const std::filesystem::path& path, const struct stat& st);

private:
    std::mutex mutex_;
    std::map<std::string, std::string> by_identity_;
};

// sha256 hex over the plan's entries (destination, mode, and content hash or link target).
std::string hash_copy_plan(const CopyPlan& plan, FileHashCache& cache);

}  // namespace stk::build
