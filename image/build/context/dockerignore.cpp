#include "image/build/context/dockerignore.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::build {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The pattern as an anchored regular expression, following patternmatcher's translation.
std::string to_regex(std::string_view p) {
    std::string re = "^";
    for (size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '*') {
            if (i + 1 < p.size() && p[i + 1] == '*') {
                ++i;
                if (i + 1 < p.size() && p[i + 1] == '/') ++i;
                re += i + 1 >= p.size() ? ".*" : "(.*/)?";
            } else {
                re += "[^/]*";
            }
        } else if (c == '?') {
            re += "[^/]";
        } else if (c == '\\') {
            if (i + 1 < p.size()) {
                re += '\\';
                re += p[++i];
            } else {
                re += "\\\\";
            }
        } else if (c == '[' || c == ']') {
            re += c;
            if (c == '[' && i + 1 < p.size() && p[i + 1] == '!') {
                re += '^';
                ++i;
            }
        } else if (std::string_view(".$^+(){}|").find(c) != std::string_view::npos) {
            re += '\\';
            re += c;
        } else {
            re += c;
        }
    }
    return re + "$";
}

}  // namespace

std::string clean_path(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string part(path.substr(start, end - start));
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else parts.push_back(part);
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out.empty() ? "." : out;
}

std::vector<std::string> path_components(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string part(path.substr(start, end - start));
        if (!part.empty() && part != ".") parts.push_back(std::move(part));
        start = end + 1;
    }
    return parts;
}

IgnoreMatcher IgnoreMatcher::parse(std::string_view text, const std::string& origin) {
    IgnoreMatcher m;
    std::istringstream in{std::string(text)};
    std::string raw;
    int line = 0;
    while (std::getline(in, raw)) {
        ++line;
        std::string_view l = trim(raw);
        if (l.empty() || l[0] == '#') continue;
        Pattern p;
        if (l[0] == '!') {
            p.exception = true;
            l = trim(l.substr(1));
            if (l.empty())
                throw Error(fmt::format("{}:{}: illegal exclusion pattern: \"!\"", origin, line));
        }
        std::string cleaned = clean_path(l);
        while (cleaned.size() > 1 && cleaned[0] == '/') cleaned.erase(0, 1);
        if (cleaned == "/") cleaned = ".";
        p.text = cleaned;
        try {
            p.re = std::regex(to_regex(cleaned), std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& e) {
            throw Error(fmt::format("{}:{}: bad pattern \"{}\": {}", origin, line, raw, e.what()));
        }
        m.patterns_.push_back(std::move(p));
    }
    return m;
}

IgnoreMatcher IgnoreMatcher::load(const std::filesystem::path& context_dir) {
    auto file = context_dir / ".dockerignore";
    std::ifstream in(file);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), file.string());
}

bool IgnoreMatcher::excluded(std::string_view path) const {
    if (patterns_.empty()) return false;
    // The path itself and each of its parent directories, shortest last.
    std::vector<std::string> candidates{std::string(path)};
    for (size_t pos = path.find('/'); pos != std::string_view::npos; pos = path.find('/', pos + 1))
        candidates.emplace_back(path.substr(0, pos));
    bool excluded = false;
    for (const auto& p : patterns_) {
        bool hit = false;
        for (const auto& c : candidates)
            if (std::regex_match(c, p.re)) {
                hit = true;
                break;
            }
        if (hit) excluded = !p.exception;
    }
    return excluded;
}

bool IgnoreMatcher::may_reinclude_under(std::string_view dir) const {
    std::string prefix = std::string(dir) + "/";
    for (const auto& p : patterns_) {
        if (!p.exception) continue;
        // An exception naming something below `dir`, or one with wildcards that might.
        if (p.text.rfind(prefix, 0) == 0 || p.text.find_first_of("*?[\\") != std::string::npos)
            return true;
    }
    return false;
}

bool glob_match(std::string_view pattern, std::string_view name) {
    size_t p = 0, n = 0;
    size_t star_p = std::string_view::npos, star_n = 0;
    while (n < name.size()) {
        if (p < pattern.size()) {
            char c = pattern[p];
            if (c == '*') {
                star_p = p++;
                star_n = n;
                continue;
            }
            if (c == '?' && name[n] != '/') {
                ++p;
                ++n;
                continue;
            }
            if (c == '[') {
                size_t q = p + 1;
                bool negate = q < pattern.size() && (pattern[q] == '^' || pattern[q] == '!');
                if (negate) ++q;
                bool matched = false, first = true;
                while (q < pattern.size() && (pattern[q] != ']' || first)) {
                    first = false;
                    char lo = pattern[q];
                    if (lo == '\\' && q + 1 < pattern.size()) lo = pattern[++q];
                    char hi = lo;
                    if (q + 2 < pattern.size() && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
                        hi = pattern[q + 2];
                        if (hi == '\\' && q + 3 < pattern.size()) hi = pattern[++q + 2];
                        q += 2;
                    }
                    if (name[n] >= lo && name[n] <= hi) matched = true;
                    ++q;
                }
                if (q >= pattern.size())
                    throw Error(fmt::format("syntax error in pattern \"{}\"", pattern));
                if (matched != negate && name[n] != '/') {
                    p = q + 1;
                    ++n;
                    continue;
                }
            } else if (c == '\\' && p + 1 < pattern.size() && pattern[p + 1] == name[n]) {
                p += 2;
                ++n;
                continue;
            } else if (c != '?' && c == name[n]) {
                ++p;
                ++n;
                continue;
            }
        }
        // Backtrack: let the last '*' take one more character (never a separator).
        if (star_p != std::string_view::npos && name[star_n] != '/') {
            p = star_p + 1;
            n = ++star_n;
            continue;
        }
        return false;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace stk::build
