#pragma once
// An image reference as docker users write it, normalised as docker does:
//   busybox                    -> docker.io/library/busybox:latest
//   user/app:1                 -> docker.io/user/app:1
//   localhost:5000/app@sha256:… -> localhost:5000/app@sha256:…   (no tag added next to a digest)
// The first path component is a registry host when it contains '.' or ':' or is "localhost".
#include <string>
#include <string_view>

#include "image/digest.hpp"

namespace stk::image {

inline constexpr const char* kDefaultDomain = "docker.io";

struct Reference {
    std::string domain;  // "docker.io", "registry.example.com", "localhost:5000"
    std::string path;    // "library/busybox", "user/app"
    std::string tag;     // "latest" when neither tag nor digest was given; "" with a bare digest
    Digest digest;       // empty unless "@sha256:..." was given

    // Throws Error quoting the text and saying what is wrong (upper case, bad tag, ...).
    static Reference parse(std::string_view text);

    std::string name() const { return domain + "/" + path; }     // docker.io/library/busybox
    std::string to_string() const;                              // name[:tag][@digest]
    std::string familiar_name() const;                          // busybox, user/app, localhost:5000/app
    std::string familiar() const;                               // familiar_name()[:tag][@digest]

    // The same repository with only a tag, or only a digest.
    Reference with_tag(std::string tag) const;
    Reference with_digest(const Digest& digest) const;

    bool operator==(const Reference&) const = default;
};

}  // namespace stk::image
