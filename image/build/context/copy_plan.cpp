#include "image/build/context/copy_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "image/digest.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::build {
namespace {

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string base_name(const std::string& rel) {
    auto pos = rel.rfind('/');
    return pos == std::string::npos ? rel : rel.substr(pos + 1);
}

// Expands a wildcard path one component at a time against the tree.
void glob(const SourceTree& tree, const std::vector<std::string>& parts, size_t i,
          const std::string& prefix, std::vector<std::string>& out) {
    if (i == parts.size()) {
        out.push_back(prefix);
        return;
    }
    if (!has_wildcard(parts[i])) {
        std::string next = join(prefix, parts[i]);
        if (tree.lookup(next)) glob(tree, parts, i + 1, next, out);
        return;
    }
    for (const auto& name : tree.list(prefix))
        if (glob_match(parts[i], name)) glob(tree, parts, i + 1, join(prefix, name), out);
}

void add_tree(const SourceTree& tree, const std::string& rel, const std::string& dest,
              std::vector<CopyEntry>& out) {
    for (const auto& name : tree.list(rel)) {
        std::string child = join(rel, name);
        auto e = tree.lookup(child);
        if (!e) continue;
        std::string child_dest = join(dest, name);
        out.push_back(CopyEntry{child_dest, e->real, e->st});
        if (S_ISDIR(e->st.st_mode)) add_tree(tree, child, child_dest, out);
    }
}

}  // namespace

CopyPlan plan_copy(const SourceTree& tree, const std::vector<std::string>& sources,
                   const std::string& dest, bool dest_is_existing_dir, bool add) {
    CopyPlan plan;
    plan.dest_root = clean_path(dest);
    if (plan.dest_root == ".") plan.dest_root = "/";
    if (plan.dest_root[0] != '/') plan.dest_root = "/" + plan.dest_root;
    bool wildcard = false;
    std::vector<std::pair<std::string, std::string>> matched;  // (relative path, as written)
    for (const auto& src : sources) {
        if (src.find("://") != std::string::npos)
            throw Error(fmt::format("{} of a remote URL (\"{}\") is not supported: stack builds "
                                    "offline; download it into the build context first",
                                    add ? "ADD" : "COPY", src));
        std::string rel = clean_path(src);
        while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
        if (rel == "." || rel.empty()) rel = "";
        if (rel == ".." || rel.rfind("../", 0) == 0)
            throw Error(fmt::format("forbidden path outside the build context: {}", src));
        std::vector<std::string> hits;
        if (has_wildcard(rel)) {
            wildcard = true;
            glob(tree, path_components(rel), 0, "", hits);
        } else if (tree.lookup(rel)) {
            hits.push_back(rel);
        }
        if (hits.empty()) {
            if (has_wildcard(rel)) continue;
            throw Error(fmt::format("\"{}\": {}: no such file or directory", src,
                                    tree.is_context()
                                        ? "not found in build context or excluded by .dockerignore"
                                        : "not found in the source stage"));
        }
        for (auto& h : hits) matched.emplace_back(h, src);
    }
    if (matched.empty())
        throw Error(fmt::format("no source files were specified (nothing matches {})",
                                fmt::join(sources, " ")));
    plan.dest_is_dir = dest_is_existing_dir || dest.back() == '/' || matched.size() > 1 ||
                       (dest.size() >= 2 && dest.substr(dest.size() - 2) == "/.");
    if (matched.size() > 1 && dest.back() != '/' && !dest_is_existing_dir && wildcard == false)
        throw Error(fmt::format("when using {} with more than one source file, the destination "
                                "must be a directory and end with a /",
                                add ? "ADD" : "COPY"));
    for (const auto& [rel, written] : matched) {
        auto e = tree.lookup(rel);
        if (S_ISDIR(e->st.st_mode)) {
            plan.dest_is_dir = true;
            add_tree(tree, rel, plan.dest_root, plan.entries);
            continue;
        }
        std::string target = plan.dest_is_dir ? join(plan.dest_root, base_name(rel)) : plan.dest_root;
        CopyEntry ce{target, e->real, e->st};
        ce.from_archive_candidate = add && S_ISREG(e->st.st_mode) && tree.is_context();
        plan.entries.push_back(std::move(ce));
    }
    return plan;
}

std::string FileHashCache::hash_file(const std::filesystem::path& path, const struct stat& st) {
    std::string key = fmt::format("{}:{}:{}:{}.{}", st.st_dev, st.st_ino, st.st_size,
                                  st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    {
        std::lock_guard lock(mutex_);
        if (auto it = by_identity_.find(key); it != by_identity_.end()) return it->second;
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno(fmt::format("open \"{}\"", path.string()));
    image::Sha256 h;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) throw_errno(fmt::format("read \"{}\"", path.string()));
        if (n == 0) break;
        h.update(buf, static_cast<size_t>(n));
    }
    std::string hex = h.finish().hex();
    std::lock_guard lock(mutex_);
    by_identity_[key] = hex;
    return hex;
}

std::string hash_copy_plan(const CopyPlan& plan, FileHashCache& cache) {
    image::Sha256 h;
    h.update(fmt::format("{}\x1f{}\x1f", plan.dest_root, plan.dest_is_dir ? "dir" : "file"));
    for (const auto& e : plan.entries) {
        h.update(e.dest);
        h.update(fmt::format("\x1f{:o}\x1f", e.st.st_mode));
        if (S_ISREG(e.st.st_mode)) {
            h.update(cache.hash_file(e.source, e.st));
        } else if (S_ISLNK(e.st.st_mode)) {
            std::error_code ec;
            h.update(std::filesystem::read_symlink(e.source, ec).string());
        }
        h.update(std::string_view("\n", 1));
    }
    return h.finish().hex();
}

}  // namespace stk::build
