#pragma once
// Where COPY/ADD read from: the build context (minus .dockerignore'd paths) or another
// stage's layers (COPY --from). Paths are relative, '/'-separated, "" for the root.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "image/build/context/dockerignore.hpp"
#include "image/build/fs/layer_view.hpp"

namespace stk::build {

class SourceTree {
public:
    virtual ~SourceTree() = default;
    virtual std::optional<ViewEntry> lookup(const std::string& rel) const = 0;
    virtual std::vector<std::string> list(const std::string& rel) const = 0;  // sorted
    virtual bool is_context() const = 0;
};

class ContextTree : public SourceTree {
public:
    ContextTree(std::filesystem::path root, IgnoreMatcher ignore)
        : root_(std::move(root)), ignore_(std::move(ignore)) {}
    std::optional<ViewEntry> lookup(const std::string& rel) const override;
    std::vector<std::string> list(const std::string& rel) const override;
    bool is_context() const override { return true; }
    const std::filesystem::path& root() const { return root_; }

private:
    bool hidden(const std::string& rel, bool is_dir) const;
    std::filesystem::path root_;
    IgnoreMatcher ignore_;
};

class LayerTree : public SourceTree {
public:
    explicit LayerTree(LayerView view) : view_(std::move(view)) {}
    std::optional<ViewEntry> lookup(const std::string& rel) const override {
        return view_.lookup(rel);
    }
    std::vector<std::string> list(const std::string& rel) const override {
        return view_.list(rel);
    }
    bool is_context() const override { return false; }

private:
    LayerView view_;
};

}  // namespace stk::build
