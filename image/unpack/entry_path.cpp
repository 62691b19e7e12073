#include "image/unpack/entry_path.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {

std::string clean_entry_path(std::string_view raw) {
    if (!raw.empty() && raw.front() == '/')
        throw Error(fmt::format("entry \"{}\": absolute path refused (it would leave the layer)", raw));
    std::string out;
    size_t start = 0;
    while (start <= raw.size()) {
        size_t end = raw.find('/', start);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view part = raw.substr(start, end - start);
        if (part == "..")
            throw Error(fmt::format("entry \"{}\": \"..\" refused (it would leave the layer)", raw));
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        start = end + 1;
    }
    return out;
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return {"", path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace stk::image
