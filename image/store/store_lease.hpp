#pragma once
#include <utility>

#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

// Held (a shared flock) across a pull, import or build so that prune() (exclusive) cannot
// collect blobs that are written but not yet referenced by an image. Get one from
// ImageStore::lease(); BlobWriter and the store's own operations hold one while they work.
class StoreLease {
public:
    StoreLease() = default;
    explicit StoreLease(UniqueFd fd) : fd_(std::move(fd)) {}
    bool held() const noexcept { return fd_.valid(); }

private:
    UniqueFd fd_;
};

}  // namespace stk::image
