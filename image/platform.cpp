#include "image/platform.hpp"

#include <sys/utsname.h>

#include <string>

namespace stk::image {

Platform host_platform() {
    struct utsname u {};
    ::uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return {"amd64", "linux", ""};
    if (m == "aarch64" || m == "arm64") return {"arm64", "linux", "v8"};
    if (m == "armv7l") return {"arm", "linux", "v7"};
    if (m == "armv6l") return {"arm", "linux", "v6"};
    if (m == "i686" || m == "i386") return {"386", "linux", ""};
    return {m, "linux", ""};
}

std::optional<Descriptor> select_manifest(const ImageIndex& index, const Platform& wanted) {
    auto variant_ok = [&](const Platform& p) {
        if (p.variant == wanted.variant || wanted.variant.empty()) return true;
        return p.variant.empty() && wanted.architecture == "arm64" && wanted.variant == "v8";
    };
    for (const auto& d : index.manifests) {
        if (!d.platform) continue;
        if (d.platform->os == wanted.os && d.platform->architecture == wanted.architecture && variant_ok(*d.platform))
            return d;
    }
    return std::nullopt;
}

}  // namespace stk::image
