#pragma once
// An http(s) URL split into the parts a client connects with: scheme, host, port, target.
#include <string>
#include <string_view>

namespace stk::image::registry {

struct Url {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets for IPv6
    std::string port;    // always set: explicit, or the scheme's default
    std::string target;  // path and query, at least "/"

    // host[:port] as written in a Host header (the port only when not the scheme's default).
    std::string authority() const;
    std::string to_string() const;
};

// Parses an absolute http:// or https:// URL; throws Error naming the URL when it is not one.
Url parse_url(std::string_view text);

// Resolves a redirect's Location (absolute, or a path on the same server) against `base`.
Url resolve_location(const Url& base, std::string_view location);

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view value);

}  // namespace stk::image::registry
