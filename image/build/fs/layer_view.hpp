#pragma once
// A read-only view of a stack of unpacked layer directories as overlayfs would show them,
// without mounting anything: whiteouts (0/0 character devices) hide lower entries and an
// opaque directory (trusted.overlay.opaque=y) hides everything below it. Used for COPY --from,
// for metadata of existing parent directories and for --chown names (/etc/passwd).
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stk::build {

struct ViewEntry {
    std::filesystem::path real;  // the file in the layer that provides it
    struct stat st {};
};

class LayerView {
public:
    LayerView() = default;
    // Topmost layer first (as runtime::RootfsSpec::lower_dirs).
    explicit LayerView(std::vector<std::filesystem::path> top_first)
        : layers_(std::move(top_first)) {}

    // `path` relative to the root ("etc/passwd"; "" or "." is the root). Symlinks are not
    // followed.
    std::optional<ViewEntry> lookup(const std::string& path) const;
    // The names in the directory `path`, merged across layers, sorted.
    std::vector<std::string> list(const std::string& path) const;
    const std::vector<std::filesystem::path>& layers() const { return layers_; }

private:
    std::vector<std::filesystem::path> layers_;
};

bool is_whiteout(const struct stat& st);
bool is_opaque_dir(const std::filesystem::path& dir);

}  // namespace stk::build
