#include "orchestrator/load/units.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace stk::load {
namespace {

constexpr const char* kDurationHint = "use a duration like 30s, 1m30s, 500ms or 1h";
constexpr const char* kPortHint = "use [HOST_IP:][HOST_PORT[-RANGE]:]CONTAINER_PORT[-RANGE][/tcp|udp|sctp]";

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) break;
        start = p + 1;
    }
    return out;
}

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

struct PortRange {
    int64_t first = 0;
    int64_t last = 0;
    bool empty = true;
};

PortRange parse_range(const std::string& text, const std::string& what, int64_t lo) {
    PortRange r;
    if (text.empty()) return r;
    r.empty = false;
    auto dash = text.find('-');
    std::string a = text.substr(0, dash);
    std::string b = dash == std::string::npos ? a : text.substr(dash + 1);
    r.first = parse_int(a, what, lo, 65535);
    r.last = parse_int(b, what, lo, 65535);
    if (r.last < r.first)
        throw UnitError("invalid " + what + " range \"" + text + "\" (end before start)", kPortHint);
    return r;
}

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
}

}  // namespace

int64_t parse_int(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
    std::string t = trim(text);
    bool neg = !t.empty() && t[0] == '-';
    std::string digits = neg || (!t.empty() && t[0] == '+') ? t.substr(1) : t;
    if (!all_digits(digits) || digits.size() > 18)
        throw UnitError("invalid " + what + " \"" + text + "\"", "use a whole number");
    int64_t v = std::stoll(digits);
    if (neg) v = -v;
    if (v < lo || v > hi)
        throw UnitError(what + " " + text + " is out of range",
                        "use a number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v;
}

model::Duration parse_duration(const std::string& text) {
    std::string s = trim(text);
    if (s.empty()) throw UnitError("invalid duration \"\"", kDurationHint);
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        ++i;
    }
    if (s.substr(i) == "0") return model::Duration{0};
    long double total = 0;
    if (i == s.size()) throw UnitError("invalid duration \"" + text + "\"", kDurationHint);
    while (i < s.size()) {
        size_t start = i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        std::string num = s.substr(start, i - start);
        if (num.empty() || num == "." || std::count(num.begin(), num.end(), '.') > 1)
            throw UnitError("invalid duration \"" + text + "\"", kDurationHint);
        size_t ustart = i;
        while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
        std::string unit = s.substr(ustart, i - ustart);
        long double mult;
        if (unit == "ns") mult = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
        else if (unit == "ms") mult = 1e6;
        else if (unit == "s") mult = 1e9;
        else if (unit == "m") mult = 60e9;
        else if (unit == "h") mult = 3600e9;
        else if (unit.empty())
            throw UnitError("invalid duration \"" + text + "\" (missing unit)", kDurationHint);
        else
            throw UnitError("invalid duration \"" + text + "\" (unknown unit \"" + unit + "\")",
                            kDurationHint);
        total += std::stold(num) * mult;
        if (total > static_cast<long double>(std::numeric_limits<int64_t>::max()))
            throw UnitError("duration \"" + text + "\" is too long", kDurationHint);
    }
    auto ns = static_cast<int64_t>(std::llround(total));
    return model::Duration{neg ? -ns : ns};
}

std::string format_duration(model::Duration d) {
    int64_t ns = d.count();
    if (ns == 0) return "0s";
    std::string sign = ns < 0 ? "-" : "";
    uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
    auto frac = [](uint64_t v, uint64_t unit) {
        std::string out = std::to_string(v / unit);
        uint64_t rest = v % unit;
        if (rest) {
            std::string digits = std::to_string(unit + rest).substr(1);
            while (!digits.empty() && digits.back() == '0') digits.pop_back();
            out += "." + digits;
        }
        return out;
    };
    if (u < 1000) return sign + std::to_string(u) + "ns";
    if (u < 1000000) return sign + frac(u, 1000) + "\xC2\xB5s";
    if (u < 1000000000) return sign + frac(u, 1000000) + "ms";
    uint64_t hours = u / 3600000000000ULL;
    uint64_t rest = u % 3600000000000ULL;
    uint64_t minutes = rest / 60000000000ULL;
    rest %= 60000000000ULL;
    std::string out = sign;
    if (hours) out += std::to_string(hours) + "h";
    if (hours || minutes) out += std::to_string(minutes) + "m";
    out += frac(rest, 1000000000ULL) + "s";
    return out;
}

model::Bytes parse_bytes(const std::string& text) {
    const std::string hint = "use a size like 1024, 512k, 64m or 1g";
    std::string s = trim(text);
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    std::string num = s.substr(0, i);
    if (num.empty() || num == "." || std::count(num.begin(), num.end(), '.') > 1)
        throw UnitError("invalid size \"" + text + "\"", hint);
    std::string unit = trim(s.substr(i));
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (!unit.empty() && unit.back() == 'i') unit.pop_back();
    long double mult = 1;
    if (unit.empty()) mult = 1;
    else if (unit == "k") mult = 1024.0L;
    else if (unit == "m") mult = 1024.0L * 1024;
    else if (unit == "g") mult = 1024.0L * 1024 * 1024;
    else if (unit == "t") mult = 1024.0L * 1024 * 1024 * 1024;
    else if (unit == "p") mult = 1024.0L * 1024 * 1024 * 1024 * 1024;
    else throw UnitError("invalid size \"" + text + "\" (unknown unit)", hint);
    long double v = std::stold(num) * mult;
    if (v > static_cast<long double>(std::numeric_limits<int64_t>::max()))
        throw UnitError("size \"" + text + "\" is too large", hint);
    return static_cast<model::Bytes>(v);
}

std::vector<model::PortMapping> parse_port_spec(const std::string& text) {
    std::string spec = trim(text);
    std::string proto = "tcp";
    if (auto slash = spec.rfind('/'); slash != std::string::npos) {
        proto = spec.substr(slash + 1);
        spec = spec.substr(0, slash);
        if (proto != "tcp" && proto != "udp" && proto != "sctp")
            throw UnitError("invalid protocol \"" + proto + "\" in port \"" + text + "\"", kPortHint);
    }
    std::string ip, host, container;
    if (!spec.empty() && spec[0] == '[') {
        auto close = spec.find(']');
        if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':')
            throw UnitError("invalid port \"" + text + "\" (unterminated IPv6 address)", kPortHint);
        ip = spec.substr(1, close - 1);
        auto rest = split(spec.substr(close + 2), ':');
        if (rest.size() != 2)
            throw UnitError("invalid port \"" + text + "\"", kPortHint);
        host = rest[0];
        container = rest[1];
    } else {
        auto parts = split(spec, ':');
        size_t n = parts.size();
        if (n == 1) {
            container = parts[0];
        } else if (n == 2) {
            host = parts[0];
            container = parts[1];
        } else {
            container = parts[n - 1];
            host = parts[n - 2];
            for (size_t k = 0; k + 2 < n; ++k) ip += (k ? ":" : "") + parts[k];
            if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']')
                ip = ip.substr(1, ip.size() - 2);
        }
    }
    if (container.empty()) throw UnitError("invalid port \"" + text + "\" (no container port)", kPortHint);
    PortRange c = parse_range(container, "container port", 1);
    PortRange h = parse_range(host, "host port", 0);
    int64_t clen = c.last - c.first, hlen = h.last - h.first;
    if (!h.empty && clen != hlen && clen != 0)
        throw UnitError("invalid port \"" + text + "\" (host and container ranges differ in length)",
                        kPortHint);
    std::vector<model::PortMapping> out;
    for (int64_t k = 0; k <= clen; ++k) {
        model::PortMapping p;
        p.target = static_cast<uint32_t>(c.first + k);
        p.protocol = proto;
        p.host_ip = ip;
        if (!h.empty) {
            if (clen == 0 && hlen != 0)
                p.published = std::to_string(h.first) + "-" + std::to_string(h.last);
            else
                p.published = std::to_string(h.first + k);
        }
        out.push_back(std::move(p));
    }
    return out;
}

model::VolumeMount parse_volume_spec(const std::string& text) {
    const std::string hint = "use SOURCE:TARGET[:ro|rw|z|Z|nocopy] or TARGET";
    auto parts = split(text, ':');
    model::VolumeMount v;
    std::string mode;
    if (parts.size() == 1) {
        v.target = parts[0];
    } else if (parts.size() == 2) {
        v.source = parts[0];
        v.target = parts[1];
    } else if (parts.size() == 3) {
        v.source = parts[0];
        v.target = parts[1];
        mode = parts[2];
    } else {
        throw UnitError("invalid volume \"" + text + "\" (too many ':')", hint);
    }
    if (v.target.empty() || (parts.size() > 1 && v.source.empty()))
        throw UnitError("invalid volume \"" + text + "\" (empty source or target)", hint);
    if (v.target[0] != '/')
        throw UnitError("invalid volume \"" + text + "\" (target \"" + v.target +
                            "\" is not an absolute path)", hint);
    char first = v.source.empty() ? 0 : v.source[0];
    bool is_bind = first == '.' || first == '/' || first == '~';
    v.type = is_bind ? "bind" : "volume";
    if (is_bind) v.bind = model::BindOptions{};
    if (!mode.empty()) {
        for (const auto& opt : split(mode, ',')) {
            if (opt == "ro") v.read_only = true;
            else if (opt == "rw") v.read_only = false;
            else if (opt == "z" || opt == "Z") {
                if (!v.bind) throw UnitError("\"" + opt + "\" applies to bind mounts only", hint);
                v.bind->selinux = opt;
            } else if (opt == "nocopy") {
                if (v.type != "volume") throw UnitError("\"nocopy\" applies to volumes only", hint);
                v.volume = model::VolumeOptions{true, ""};
            } else if (opt == "consistent" || opt == "cached" || opt == "delegated") {
                v.consistency = opt;
            } else if (opt == "shared" || opt == "rshared" || opt == "slave" || opt == "rslave" ||
                       opt == "private" || opt == "rprivate") {
                if (!v.bind) throw UnitError("\"" + opt + "\" applies to bind mounts only", hint);
                v.bind->propagation = opt;
            } else {
                throw UnitError("invalid volume mode \"" + opt + "\" in \"" + text + "\"", hint);
            }
        }
    }
    return v;
}

model::DeviceMapping parse_device_spec(const std::string& text) {
    auto parts = split(text, ':');
    const std::string hint = "use HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]";
    if (parts.size() > 3 || parts[0].empty())
        throw UnitError("invalid device \"" + text + "\"", hint);
    model::DeviceMapping d;
    d.source = parts[0];
    d.target = parts.size() > 1 ? parts[1] : parts[0];
    d.permissions = parts.size() > 2 ? parts[2] : "rwm";
    for (char c : d.permissions)
        if (c != 'r' && c != 'w' && c != 'm')
            throw UnitError("invalid device permissions \"" + d.permissions + "\"",
                            "use a combination of r, w and m");
    return d;
}

std::vector<std::string> shell_split(const std::string& text) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote == '\'') {
            if (c == '\'') quote = 0;
            else cur += c;
        } else if (quote == '"') {
            if (c == '"') quote = 0;
            else if (c == '\\' && i + 1 < text.size() &&
                     (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
                      text[i + 1] == '`'))
                cur += text[++i];
            else cur += c;
        } else if (c == '\\') {
            if (i + 1 < text.size()) cur += text[++i];
            in_word = true;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote)
        throw UnitError("unterminated quote in command \"" + text + "\"",
                        "close the quote or use the list form");
    if (in_word) words.push_back(std::move(cur));
    return words;
}

}  // namespace stk::load
