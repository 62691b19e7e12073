#include "orchestrator/load/decode_reader.hpp"

#include <cctype>
#include <cmath>
#include <regex>

#include "orchestrator/load/units.hpp"

namespace stk::load {
namespace {

const char* found_name(const Node& n) {
    if (n.is_scalar() && !n.quoted) {
        if (is_yaml_bool(n)) return "a boolean";
        if (is_yaml_number(n)) return "a number";
    }
    return n.is_scalar() ? "a string" : kind_name(n.kind);
}

// Numbers start with a digit, a sign or '.': anything else skips the regexes (emit asks this of
// every string it writes).
bool may_be_number(const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' ||
                          s[0] == '+' || s[0] == '.');
}

bool parse_yaml_int(const std::string& s, int64_t& out) {
    if (!may_be_number(s)) return false;
    static const std::regex dec("[-+]?(0|[1-9][0-9_]*)");
    static const std::regex oct("[-+]?0[0-7_]+");
    static const std::regex oct2("[-+]?0o[0-7_]+");
    static const std::regex hex("[-+]?0x[0-9a-fA-F_]+");
    std::string t;
    for (char c : s)
        if (c != '_') t += c;
    try {
        if (std::regex_match(s, dec)) out = std::stoll(t, nullptr, 10);
        else if (std::regex_match(s, hex)) out = std::stoll(t, nullptr, 16);
        else if (std::regex_match(s, oct2)) {
            bool neg = t[0] == '-';
            size_t p = t.find('o');
            out = std::stoll(t.substr(p + 1), nullptr, 8) * (neg ? -1 : 1);
        } else if (std::regex_match(s, oct)) out = std::stoll(t, nullptr, 8);
        else return false;
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

bool parse_yaml_float(const std::string& s, double& out) {
    static const std::regex flt(R"([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+)");
    if (!may_be_number(s) || !std::regex_match(s, flt) || s == ".") return false;
    try {
        std::string t;
        for (char c : s)
            if (c != '_') t += c;
        out = std::stod(t);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

}  // namespace

void DecodeContext::error(const Node& at, const std::string& path, std::string message,
                          std::string hint) {
    diags.error(at.loc, path, std::move(message), std::move(hint));
}

void DecodeContext::wrong_type(const Node& at, const std::string& path, const char* expected) {
    std::string hint;
    if (at.is_scalar() && !at.quoted && is_yaml_bool(at) && std::string(expected) == "a string")
        hint = "quote it: \"" + at.scalar + "\"";
    error(at, path, std::string("must be ") + expected + ", not " + found_name(at), hint);
}

bool is_yaml_bool(const Node& n, bool* value) {
    if (!n.is_scalar() || n.quoted) return false;
    // PyYAML's YAML 1.1 booleans (docker-compose v1): without the single letters y/n.
    static const char* const yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE",
                                      "on", "On", "ON"};
    static const char* const no[] = {"no", "No", "NO", "false", "False", "FALSE",
                                     "off", "Off", "OFF"};
    for (const char* w : yes)
        if (n.scalar == w) {
            if (value) *value = true;
            return true;
        }
    for (const char* w : no)
        if (n.scalar == w) {
            if (value) *value = false;
            return true;
        }
    return false;
}

bool is_yaml_number(const Node& n) {
    if (!n.is_scalar() || n.quoted) return false;
    int64_t i;
    double d;
    return parse_yaml_int(n.scalar, i) || parse_yaml_float(n.scalar, d);
}

std::optional<std::string> read_string(DecodeContext& ctx, const Node& n, const std::string& path) {
    if (!n.is_scalar() || is_yaml_bool(n)) {
        ctx.wrong_type(n, path, "a string");
        return std::nullopt;
    }
    return n.scalar;
}

std::optional<bool> read_bool(DecodeContext& ctx, const Node& n, const std::string& path) {
    bool v;
    if (is_yaml_bool(n, &v)) return v;
    ctx.error(n, path, std::string("must be a boolean, not ") + found_name(n) +
                           (n.is_scalar() ? " \"" + n.scalar + "\"" : ""),
              "write true or false, unquoted");
    return std::nullopt;
}

std::optional<int64_t> read_int(DecodeContext& ctx, const Node& n, const std::string& path,
                                int64_t lo, int64_t hi) {
    int64_t v;
    if (!n.is_scalar() || !parse_yaml_int(n.scalar, v)) {
        ctx.error(n, path, std::string("must be an integer, not ") + found_name(n) +
                               (n.is_scalar() ? " \"" + n.scalar + "\"" : ""));
        return std::nullopt;
    }
    if (v < lo || v > hi) {
        ctx.error(n, path, "value " + n.scalar + " is out of range",
                  "use a number from " + std::to_string(lo) + " to " + std::to_string(hi));
        return std::nullopt;
    }
    return v;
}

std::optional<double> read_double(DecodeContext& ctx, const Node& n, const std::string& path) {
    int64_t i;
    double d;
    if (n.is_scalar() && parse_yaml_int(n.scalar, i)) return static_cast<double>(i);
    if (n.is_scalar() && parse_yaml_float(n.scalar, d)) return d;
    ctx.error(n, path, std::string("must be a number, not ") + found_name(n) +
                           (n.is_scalar() ? " \"" + n.scalar + "\"" : ""));
    return std::nullopt;
}

std::optional<model::Duration> read_duration(DecodeContext& ctx, const Node& n,
                                             const std::string& path) {
    if (!n.is_scalar() || is_yaml_bool(n)) {
        ctx.wrong_type(n, path, "a duration string");
        return std::nullopt;
    }
    try {
        return parse_duration(n.scalar);
    } catch (const UnitError& e) {
        ctx.error(n, path, e.what(), e.hint());
        return std::nullopt;
    }
}

std::optional<model::Bytes> read_bytes(DecodeContext& ctx, const Node& n, const std::string& path) {
    if (!n.is_scalar() || is_yaml_bool(n)) {
        ctx.wrong_type(n, path, "a size");
        return std::nullopt;
    }
    if (n.scalar == "-1") return -1;
    try {
        return parse_bytes(n.scalar);
    } catch (const UnitError& e) {
        ctx.error(n, path, e.what(), e.hint());
        return std::nullopt;
    }
}

std::optional<uint32_t> read_mode(DecodeContext& ctx, const Node& n, const std::string& path) {
    int64_t v;
    bool ok = false;
    if (n.is_scalar() && !n.quoted) ok = parse_yaml_int(n.scalar, v);
    else if (n.is_scalar()) {
        try {
            size_t used = 0;
            v = std::stoll(n.scalar, &used, 8);
            ok = used == n.scalar.size();
        } catch (const std::exception&) {
        }
    }
    if (!ok || v < 0 || v > 07777) {
        ctx.error(n, path, "invalid file mode" + (n.is_scalar() ? " \"" + n.scalar + "\"" : ""),
                  "use an octal mode like 0440");
        return std::nullopt;
    }
    return static_cast<uint32_t>(v);
}

std::vector<std::string> read_string_list(DecodeContext& ctx, const Node& n,
                                          const std::string& path) {
    std::vector<std::string> out;
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a list");
        return out;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        ctx.locations[p] = n.items[i].loc;
        if (auto s = read_string(ctx, n.items[i], p)) out.push_back(*s);
    }
    return out;
}

std::vector<std::string> read_string_or_list(DecodeContext& ctx, const Node& n,
                                             const std::string& path) {
    if (n.is_scalar()) {
        if (auto s = read_string(ctx, n, path)) return {*s};
        return {};
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a string or a list");
        return {};
    }
    return read_string_list(ctx, n, path);
}

model::OptionalStringMap read_list_or_dict(DecodeContext& ctx, const Node& n,
                                           const std::string& path, bool strict_bools,
                                           char separator) {
    model::OptionalStringMap out;
    if (n.is_map()) {
        for (const auto& e : n.entries) {
            std::string p = path + "." + e.key;
            ctx.locations[p] = e.key_loc;
            const Node& v = e.value;
            if (v.is_null()) {
                out[e.key] = std::nullopt;
            } else if (!v.is_scalar()) {
                ctx.wrong_type(v, p, "a string, number or null");
            } else if (strict_bools && is_yaml_bool(v)) {
                ctx.error(v, p, "boolean value " + v.scalar + " must be quoted",
                          "write \"" + v.scalar + "\"");
            } else {
                bool b;
                out[e.key] = is_yaml_bool(v, &b) ? (b ? "true" : "false") : v.scalar;
            }
        }
        return out;
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a mapping or a list");
        return out;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        auto s = read_string(ctx, n.items[i], p);
        if (!s) continue;
        auto eq = s->find(separator);
        std::string key = s->substr(0, eq);
        if (key.empty()) {
            ctx.error(n.items[i], p, "empty key in \"" + *s + "\"",
                      std::string("use KEY") + separator + "VALUE");
            continue;
        }
        ctx.locations[path + "." + key] = n.items[i].loc;
        if (eq == std::string::npos) out[key] = std::nullopt;
        else out[key] = s->substr(eq + 1);
    }
    return out;
}

model::StringMap read_string_map(DecodeContext& ctx, const Node& n, const std::string& path) {
    model::StringMap out;
    for (auto& [k, v] : read_list_or_dict(ctx, n, path, false)) out[k] = v.value_or("");
    return out;
}

nlohmann::json to_json_value(const Node& n) {
    switch (n.kind) {
        case NodeKind::Null:
            return nullptr;
        case NodeKind::Scalar: {
            if (n.quoted) return n.scalar;
            bool b;
            int64_t i;
            double d;
            if (is_yaml_bool(n, &b)) return b;
            if (parse_yaml_int(n.scalar, i)) return i;
            if (parse_yaml_float(n.scalar, d) && std::isfinite(d)) return d;
            return n.scalar;
        }
        case NodeKind::Sequence: {
            auto arr = nlohmann::json::array();
            for (const auto& item : n.items) arr.push_back(to_json_value(item));
            return arr;
        }
        case NodeKind::Mapping: {
            auto obj = nlohmann::json::object();
            for (const auto& e : n.entries) obj[e.key] = to_json_value(e.value);
            return obj;
        }
    }
    return nullptr;
}

MapReader::MapReader(DecodeContext& ctx, const Node& n, std::string path, const char* what)
    : ctx_(ctx), path_(std::move(path)) {
    if (n.is_map()) node_ = &n;
    else ctx.wrong_type(n, path_, what);
}

const Node* MapReader::get(const char* key) {
    known_.emplace_back(key);
    if (!node_) return nullptr;
    const MapEntry* e = node_->find_entry(key);
    if (!e) return nullptr;
    ctx_.locations[sub(key)] = e->value.loc;
    return &e->value;
}

void MapReader::finish(model::Extensions* extensions) {
    if (!node_) return;
    for (const auto& e : node_->entries) {
        if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
        if (extensions && e.key.rfind("x-", 0) == 0) {
            (*extensions)[e.key] = to_json_value(e.value);
            continue;
        }
        std::string near = nearest_name(e.key, known_);
        ctx_.diags.error(e.key_loc.known() ? e.key_loc : e.value.loc, path_,
                         "unknown key \"" + e.key + "\"",
                         near.empty() ? std::string() : "did you mean \"" + near + "\"?");
    }
}

}  // namespace stk::load
