#include "orchestrator/export/k8s/naming.hpp"

#include <cctype>
#include <regex>

#include "orchestrator/load/hash.hpp"
#include "runtime/sys/error.hpp"

namespace stk::k8s {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Lowercase; runs of anything else than [a-z0-9] become one '-'; no '-' at either end.
std::string dashed(std::string_view text) {
    std::string out;
    for (char raw : text) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
        if (lower_alnum(c)) out += c;
        else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

// At most `max` characters: the head of `name` and '-' and a hash of the original text.
std::string fit(std::string name, std::string_view original, size_t max, size_t hash_len) {
    if (name.size() <= max) return name;
    name.resize(max - hash_len - 1);
    while (!name.empty() && name.back() == '-') name.pop_back();
    return name + "-" + load::sha256_hex(std::string(original)).substr(0, hash_len);
}

bool matches(std::string_view s, const std::regex& re) {
    return std::regex_match(s.begin(), s.end(), re);
}

}  // namespace

std::string dns1035_label(std::string_view text, size_t max) {
    std::string name = dashed(text);
    if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) name = "s-" + name;
    while (name.back() == '-') name.pop_back();
    return fit(std::move(name), text, max, 8);
}

std::string port_name(std::string_view text) {
    std::string name = dashed(text);
    bool letter = false;
    for (char c : name) letter = letter || (c >= 'a' && c <= 'z');
    if (!letter) name = "p-" + name;
    while (name.back() == '-') name.pop_back();
    return fit(std::move(name), text, kMaxPortName, 4);
}

std::string label_value(std::string_view text) {
    std::string out;
    for (char c : text) out += (alnum(c) || c == '-' || c == '_' || c == '.') ? c : '-';
    while (!out.empty() && !alnum(out.front())) out.erase(out.begin());
    while (!out.empty() && !alnum(out.back())) out.pop_back();
    out = fit(std::move(out), text, kMaxLabel, 8);
    return out;
}

bool is_dns1123_label(std::string_view s) {
    static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    return s.size() <= kMaxLabel && matches(s, re);
}

bool is_dns1123_subdomain(std::string_view s) {
    static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    return s.size() <= 253 && matches(s, re);
}

bool is_dns1035_label(std::string_view s) {
    static const std::regex re("[a-z]([-a-z0-9]*[a-z0-9])?");
    return s.size() <= kMaxLabel && matches(s, re);
}

bool is_qualified_name(std::string_view s) {
    static const std::regex name("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    size_t slash = s.find('/');
    std::string_view n = slash == std::string_view::npos ? s : s.substr(slash + 1);
    if (slash != std::string_view::npos && !is_dns1123_subdomain(s.substr(0, slash))) return false;
    return !n.empty() && n.size() <= kMaxLabel && matches(n, name);
}

bool is_env_var_name(std::string_view s) {
    static const std::regex re("[-._a-zA-Z][-._a-zA-Z0-9]*");
    return matches(s, re);
}

bool is_config_key(std::string_view s) {
    static const std::regex re("[-._a-zA-Z0-9]+");
    return s.size() <= 253 && matches(s, re);
}

const std::string& NameTable::claim(const std::string& kind, const std::string& name,
                                    const std::string& origin) {
    auto [it, fresh] = taken_[kind].emplace(name, origin);
    if (!fresh && it->second != origin)
        throw Error(fmt::format("{} and {} both become the {} name \"{}\": rename one of them",
                                it->second, origin, kind, name));
    return it->first;
}

}  // namespace stk::k8s
