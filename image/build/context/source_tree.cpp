#include "image/build/context/source_tree.hpp"

#include <dirent.h>

#include <algorithm>

namespace stk::build {

bool ContextTree::hidden(const std::string& rel, bool is_dir) const {
    if (rel.empty() || !ignore_.excluded(rel)) return false;
    // An excluded directory stays visible when an exception may bring back something below.
    return !(is_dir && ignore_.may_reinclude_under(rel));
}

std::optional<ViewEntry> ContextTree::lookup(const std::string& rel) const {
    ViewEntry e;
    e.real = rel.empty() ? root_ : root_ / rel;
    if (::lstat(e.real.c_str(), &e.st) != 0) return std::nullopt;
    if (hidden(rel, S_ISDIR(e.st.st_mode))) return std::nullopt;
    return e;
}

std::vector<std::string> ContextTree::list(const std::string& rel) const {
    std::vector<std::string> names;
    auto dir = rel.empty() ? root_ : root_ / rel;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return names;
    while (dirent* ent = ::readdir(d)) {
        std::string name = ent->d_name;
        if (name == "." || name == "..") continue;
        std::string child = rel.empty() ? name : rel + "/" + name;
        bool is_dir = ent->d_type == DT_DIR;
        if (ent->d_type == DT_UNKNOWN) is_dir = std::filesystem::is_directory(dir / name);
        if (!hidden(child, is_dir)) names.push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace stk::build
