#pragma once
// Writes what a COPY/ADD plan copies into an empty staging directory that becomes the step's
// layer: missing parent directories take the image's metadata when the image has them,
// ownership is --chown (or root; kept from the source stage for --from), modes are --chmod
// (or the source's), mtimes are the source's. ADD extracts local tar archives (plain, gzip,
// bzip2, xz) into the destination directory.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "image/build/context/copy_plan.hpp"
#include "image/build/fs/layer_view.hpp"

namespace stk::build {

struct CopyOwnership {
    std::optional<std::pair<uid_t, gid_t>> chown;  // --chown, resolved
    std::optional<mode_t> chmod;                   // --chmod
    bool keep_source_owner = false;                // COPY --from without --chown
};

void apply_copy(const CopyPlan& plan, const std::filesystem::path& staging, const LayerView& image,
                const CopyOwnership& own, bool extract_archives);

// "user[:group]" (names or ids) against the image's /etc/passwd and /etc/group; a user without
// a group uses the same number as gid, as docker does. Throws Error for an unknown name.
std::pair<uid_t, gid_t> resolve_chown(const std::string& spec, const LayerView& image);

// "755", "0640": octal only. Throws Error otherwise.
mode_t parse_chmod(const std::string& spec);

}  // namespace stk::build
