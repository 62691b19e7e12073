#pragma once
// The WWW-Authenticate challenge of a registry (RFC 7235):
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"
//   Basic realm="Registry Realm"
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace stk::image::registry {

struct AuthChallenge {
    std::string scheme;                         // lower case: "bearer" or "basic"
    std::map<std::string, std::string> params;  // keys lower case, values unquoted

    std::string param(const std::string& key) const;
};

// Parses the first challenge of a WWW-Authenticate value; nullopt when it is malformed.
std::optional<AuthChallenge> parse_auth_challenge(std::string_view header);

}  // namespace stk::image::registry
