#include "runtime/mount/mount_options.hpp"

namespace stk::runtime {

std::string escape_mount_option(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\' || c == ',' || c == ':') out += '\\';
        out += c;
    }
    return out;
}

std::string overlay_options(const std::vector<std::filesystem::path>& lowers,
                            const std::filesystem::path& upper, const std::filesystem::path& work) {
    std::string out = "lowerdir=";
    for (size_t i = 0; i < lowers.size(); ++i) {
        if (i) out += ':';
        out += escape_mount_option(lowers[i].string());
    }
    if (!upper.empty()) out += ",upperdir=" + escape_mount_option(upper.string());
    if (!work.empty()) out += ",workdir=" + escape_mount_option(work.string());
    return out;
}

}  // namespace stk::runtime
