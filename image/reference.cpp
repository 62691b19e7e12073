#include "image/reference.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {
namespace {

// distribution/reference's grammar, one regex per part.
const std::regex& path_component_re() {
    static const std::regex re("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
    return re;
}
const std::regex& tag_re() {
    static const std::regex re("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    return re;
}
const std::regex& domain_re() {
    static const std::regex re(
        "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*"
        "(?::[0-9]+)?|\\[[0-9A-Fa-f:]+\\](?::[0-9]+)?");
    return re;
}

bool has_upper(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_image_id(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool looks_like_domain(std::string_view first) {
    return first.find_first_of(".:") != std::string_view::npos || first == "localhost" || has_upper(first);
}

}  // namespace

Reference Reference::parse(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return Error(fmt::format("image reference \"{}\": {}", text, why));
    };
    if (text.empty()) throw bad("empty");
    if (is_image_id(text)) throw bad("a 64-character hexadecimal string is an image ID, not a repository name");
    if (text.front() == '[' && text.find('/') == std::string_view::npos)
        throw bad("an IPv6 registry address needs a repository path after it");
    std::string rest(text);
    Reference r;
    if (auto at = rest.find('@'); at != std::string::npos) {
        try {
            r.digest = Digest::parse(rest.substr(at + 1));
        } catch (const Error& e) {
            throw bad(e.message());
        }
        rest.resize(at);
    }
    // A tag is after the last ':' that comes after the last '/' (a ':' before is a port).
    auto slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        r.tag = rest.substr(colon + 1);
        rest.resize(colon);
        if (!std::regex_match(r.tag, tag_re()))
            throw bad(fmt::format("tag \"{}\" is not valid (letters, digits, '_', '.', '-'; at most 128)", r.tag));
    }
    auto first_slash = rest.find('/');
    if (first_slash != std::string::npos && looks_like_domain(std::string_view(rest).substr(0, first_slash))) {
        r.domain = rest.substr(0, first_slash);
        r.path = rest.substr(first_slash + 1);
        if (!std::regex_match(r.domain, domain_re()))
            throw bad(fmt::format("registry \"{}\" is not a valid host[:port]", r.domain));
    } else {
        r.domain = kDefaultDomain;
        r.path = rest;
    }
    if (r.domain == "index.docker.io") r.domain = kDefaultDomain;
    if (r.path.empty()) throw bad("no repository name");
    if (has_upper(r.path)) throw bad(fmt::format("repository name \"{}\" must be lowercase", r.path));
    size_t start = 0;
    while (true) {
        size_t end = r.path.find('/', start);
        std::string part = r.path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!std::regex_match(part, path_component_re()))
            throw bad(fmt::format("repository component \"{}\" is not valid", part));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (r.domain == kDefaultDomain && r.path.find('/') == std::string::npos) r.path = "library/" + r.path;
    if (r.path.size() + r.domain.size() + 1 > 255) throw bad("name longer than 255 characters");
    if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
    return r;
}

std::string Reference::to_string() const {
    std::string s = name();
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest.str();
    return s;
}

std::string Reference::familiar_name() const {
    if (domain != kDefaultDomain) return name();
    if (path.rfind("library/", 0) == 0 && path.find('/', 8) == std::string::npos) return path.substr(8);
    return path;
}

std::string Reference::familiar() const {
    std::string s = familiar_name();
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest.str();
    return s;
}

Reference Reference::with_tag(std::string t) const {
    Reference r = *this;
    r.tag = std::move(t);
    r.digest = {};
    return r;
}

Reference Reference::with_digest(const Digest& d) const {
    Reference r = *this;
    r.tag.clear();
    r.digest = d;
    return r;
}

}  // namespace stk::image
