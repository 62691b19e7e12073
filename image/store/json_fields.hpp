#pragma once
// Typed reads of optional JSON fields with errors naming the field (for config and manifests).
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/sys/error.hpp"

namespace stk::image::json_fields {

using nlohmann::json;

inline const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

inline std::string string_or(const json& obj, const char* key, const std::string& where,
                             std::string fallback = {}) {
    const json* v = member(obj, key);
    if (!v) return fallback;
    if (!v->is_string()) throw Error(fmt::format("{}.{}: expected a string", where, key));
    return v->get<std::string>();
}

inline std::vector<std::string> strings(const json& obj, const char* key, const std::string& where) {
    std::vector<std::string> out;
    const json* v = member(obj, key);
    if (!v) return out;
    if (!v->is_array()) throw Error(fmt::format("{}.{}: expected a list of strings", where, key));
    for (const auto& e : *v) {
        if (!e.is_string()) throw Error(fmt::format("{}.{}: expected a list of strings", where, key));
        out.push_back(e.get<std::string>());
    }
    return out;
}

// {"80/tcp": {}} -> ["80/tcp"]
inline std::vector<std::string> object_keys(const json& obj, const char* key, const std::string& where) {
    std::vector<std::string> out;
    const json* v = member(obj, key);
    if (!v) return out;
    if (!v->is_object()) throw Error(fmt::format("{}.{}: expected an object", where, key));
    for (const auto& [k, _] : v->items()) out.push_back(k);
    return out;
}

inline std::map<std::string, std::string> string_map(const json& obj, const char* key,
                                                     const std::string& where) {
    std::map<std::string, std::string> out;
    const json* v = member(obj, key);
    if (!v) return out;
    if (!v->is_object()) throw Error(fmt::format("{}.{}: expected an object of strings", where, key));
    for (const auto& [k, e] : v->items()) {
        if (!e.is_string()) throw Error(fmt::format("{}.{}.{}: expected a string", where, key, k));
        out[k] = e.get<std::string>();
    }
    return out;
}

inline json parse_object(std::string_view text, const char* what) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) throw Error(fmt::format("{}: not valid JSON", what));
    if (!j.is_object()) throw Error(fmt::format("{}: expected a JSON object", what));
    return j;
}

}  // namespace stk::image::json_fields
