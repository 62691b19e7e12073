#pragma once
// Temp-dir fixtures for the loader tests: a private directory removed on scope exit, files
// written into it, and LoadOptions that never read the real process environment.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "orchestrator/load/options.hpp"
#include "orchestrator/load/resolve.hpp"

namespace stk::load::testing {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("stk-load-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    std::filesystem::path write(const std::string& rel, const std::string& text) const {
        auto p = path_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

    LoadOptions options(std::vector<std::string> files = {}) const {
        LoadOptions o;
        o.files = std::move(files);
        o.working_dir = path_;
        o.shell_env_from_process = false;
        return o;
    }

private:
    std::filesystem::path path_;
};

inline std::string scalar_at(const Node& root, std::initializer_list<const char*> keys) {
    const Node* n = &root;
    for (const char* k : keys) {
        n = n->find(k);
        if (!n) return "<missing>";
    }
    return n->is_scalar() ? n->scalar : std::string("<") + kind_name(n->kind) + ">";
}

inline const Node* node_at(const Node& root, std::initializer_list<const char*> keys) {
    const Node* n = &root;
    for (const char* k : keys) {
        n = n->find(k);
        if (!n) return nullptr;
    }
    return n;
}

inline std::vector<std::string> scalars(const Node* seq) {
    std::vector<std::string> out;
    if (!seq) return out;
    for (const auto& i : seq->items) out.push_back(i.is_scalar() ? i.scalar : "<node>");
    return out;
}

// Runs `fn` expecting a LoadError; returns its message (empty if nothing was thrown).
template <typename Fn>
std::string load_error(Fn&& fn) {
    try {
        fn();
    } catch (const LoadError& e) {
        return e.what();
    }
    return {};
}

}  // namespace stk::load::testing
