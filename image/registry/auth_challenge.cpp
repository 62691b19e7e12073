#include "image/registry/auth_challenge.hpp"

#include <cctype>

namespace stk::image::registry {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::string AuthChallenge::param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
}

std::optional<AuthChallenge> parse_auth_challenge(std::string_view s) {
    std::size_t i = 0;
    skip_space(s, i);
    std::size_t start = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    if (i == start) return std::nullopt;
    AuthChallenge c;
    c.scheme = lower(s.substr(start, i - start));
    while (i < s.size()) {
        skip_space(s, i);
        if (i < s.size() && s[i] == ',') {
            ++i;
            continue;
        }
        std::size_t key_start = i;
        while (i < s.size() && is_token_char(s[i])) ++i;
        if (i == key_start) return std::nullopt;
        std::string key = lower(s.substr(key_start, i - key_start));
        skip_space(s, i);
        // A bare token after the params starts a second challenge: only the first is kept.
        if (i >= s.size() || s[i] != '=') break;
        ++i;
        skip_space(s, i);
        std::string value;
        if (i < s.size() && s[i] == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value += s[i++];
            }
            if (i >= s.size()) return std::nullopt;
            ++i;
        } else {
            while (i < s.size() && s[i] != ',' && s[i] != ' ') value += s[i++];
        }
        c.params[key] = value;
    }
    return c;
}

}  // namespace stk::image::registry
