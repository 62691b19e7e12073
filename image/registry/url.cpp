#include "image/registry/url.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image::registry {
namespace {

std::string default_port(const std::string& scheme) { return scheme == "https" ? "443" : "80"; }

}  // namespace

std::string Url::authority() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == default_port(scheme) ? h : h + ":" + port;
}

std::string Url::to_string() const { return scheme + "://" + authority() + target; }

Url parse_url(std::string_view text) {
    Url u;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) throw Error(fmt::format("URL \"{}\": no scheme", text));
    u.scheme = std::string(text.substr(0, sep));
    for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.scheme != "http" && u.scheme != "https")
        throw Error(fmt::format("URL \"{}\": scheme must be http or https", text));
    std::string_view rest = text.substr(sep + 3);
    auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (u.target[0] == '?') u.target.insert(0, "/");
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);  // user-info is never sent
    if (authority.empty()) throw Error(fmt::format("URL \"{}\": no host", text));
    if (authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            throw Error(fmt::format("URL \"{}\": unterminated IPv6 address", text));
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size() && authority[close + 1] == ':')
            u.port = std::string(authority.substr(close + 2));
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        u.host = std::string(authority.substr(0, colon));
        u.port = std::string(authority.substr(colon + 1));
    } else {
        u.host = std::string(authority);
    }
    if (u.port.empty()) u.port = default_port(u.scheme);
    if (u.port.find_first_not_of("0123456789") != std::string::npos)
        throw Error(fmt::format("URL \"{}\": port \"{}\" is not a number", text, u.port));
    return u;
}

Url resolve_location(const Url& base, std::string_view location) {
    if (location.find("://") != std::string_view::npos) return parse_url(location);
    Url u = base;
    if (location.substr(0, 2) == "//") return parse_url(base.scheme + ":" + std::string(location));
    if (!location.empty() && location.front() == '/') {
        u.target = std::string(location);
    } else {
        auto dir = base.target.substr(0, base.target.find('?'));
        u.target = dir.substr(0, dir.rfind('/') + 1) + std::string(location);
    }
    return u;
}

std::string url_encode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

}  // namespace stk::image::registry
