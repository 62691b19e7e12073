#include "image/build/fs/layer_view.hpp"

#include <dirent.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <algorithm>
#include <set>

#include "image/build/context/dockerignore.hpp"

namespace stk::build {
namespace fs = std::filesystem;

bool is_whiteout(const struct stat& st) {
    return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

bool is_opaque_dir(const fs::path& dir) {
    char value[2] = {};
    for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"})
        if (::lgetxattr(dir.c_str(), name, value, sizeof value) == 1 && value[0] == 'y')
            return true;
    return false;
}

std::optional<ViewEntry> LayerView::lookup(const std::string& path) const {
    auto parts = path_components(path);
    for (const auto& layer : layers_) {
        fs::path cur = layer;
        ViewEntry e;
        if (parts.empty()) {
            if (::lstat(cur.c_str(), &e.st) == 0) return ViewEntry{cur, e.st};
            continue;
        }
        bool hides_lower = false;
        for (size_t i = 0; i < parts.size(); ++i) {
            cur /= parts[i];
            if (::lstat(cur.c_str(), &e.st) != 0) break;  // not in this layer
            if (is_whiteout(e.st)) return std::nullopt;
            if (i + 1 == parts.size()) {
                e.real = cur;
                return e;
            }
            if (!S_ISDIR(e.st.st_mode)) return std::nullopt;  // a file hides the rest
            if (is_opaque_dir(cur)) hides_lower = true;
        }
        if (hides_lower) return std::nullopt;
    }
    return std::nullopt;
}

std::vector<std::string> LayerView::list(const std::string& path) const {
    std::set<std::string> seen, names;
    for (const auto& layer : layers_) {
        fs::path dir = layer / path;
        struct stat st {};
        if (::lstat(dir.c_str(), &st) != 0) continue;
        if (!S_ISDIR(st.st_mode)) break;
        if (DIR* d = ::opendir(dir.c_str())) {
            while (dirent* ent = ::readdir(d)) {
                std::string name = ent->d_name;
                if (name == "." || name == ".." || !seen.insert(name).second) continue;
                struct stat est {};
                if (::lstat((dir / name).c_str(), &est) == 0 && is_whiteout(est)) continue;
                names.insert(name);
            }
            ::closedir(d);
        }
        if (is_opaque_dir(dir)) break;
    }
    return {names.begin(), names.end()};
}

}  // namespace stk::build
