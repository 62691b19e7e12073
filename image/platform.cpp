#include "image/platform.hpp"

#include <sys/utsname.h>

#include <algorithm>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

// Variants a host of `p` runs, best first.
std::vector<std::string> compatible_variants(const Platform& p) {
    if (p.architecture == "arm64") return {"v8", ""};
    if (p.architecture == "amd64") return {"", "v1"};
    if (p.architecture == "arm") {
        if (p.variant == "v5") return {"v5"};
        if (p.variant == "v6") return {"v6", "v5"};
        return {"v7", "v6", "v5"};
    }
    return {p.variant};
}

std::string normalise_arch(const std::string& arch) {
    if (arch == "x86_64" || arch == "x86-64") return "amd64";
    if (arch == "aarch64") return "arm64";
    if (arch == "i386" || arch == "i686") return "386";
    if (arch.rfind("armv", 0) == 0) return "arm";
    return arch;
}

void default_variant(Platform& p) {
    if (p.architecture == "arm64" && p.variant.empty()) p.variant = "v8";
    if (p.architecture == "arm" && p.variant.empty()) p.variant = "v7";
}

}  // namespace

std::string platform_string(const Platform& p) {
    return p.variant.empty() ? p.os + "/" + p.architecture : p.os + "/" + p.architecture + "/" + p.variant;
}

Platform host_platform() {
    struct utsname u {};
    ::uname(&u);
    std::string machine = u.machine;
    Platform p{normalise_arch(machine), "linux", ""};
    if (machine == "armv6l") p.variant = "v6";
    if (machine == "armv5tel" || machine == "armv5l") p.variant = "v5";
    default_variant(p);
    return p;
}

Platform parse_platform(std::string_view text) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        auto slash = text.find('/', start);
        parts.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
        (parts.size() == 3 && parts[2].empty()))
        throw Error(fmt::format("platform \"{}\": expected os/arch[/variant]", text));
    Platform p{normalise_arch(parts[1]), parts[0], parts.size() == 3 ? parts[2] : ""};
    default_variant(p);
    return p;
}

std::optional<Descriptor> select_platform(const std::vector<Descriptor>& entries, const Platform& want) {
    auto variants = compatible_variants(want);
    std::optional<Descriptor> best;
    std::size_t best_rank = variants.size();
    for (const auto& e : entries) {
        if (!e.platform || e.platform->os != want.os || normalise_arch(e.platform->architecture) != want.architecture)
            continue;
        auto rank = static_cast<std::size_t>(
            std::find(variants.begin(), variants.end(), e.platform->variant) - variants.begin());
        if (rank < best_rank) {
            best = e;
            best_rank = rank;
        }
    }
    return best;
}

}  // namespace stk::image
