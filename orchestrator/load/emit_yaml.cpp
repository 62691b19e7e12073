// Canonical JSON -> block YAML with yaml-cpp.
#include <yaml-cpp/yaml.h>

#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/load/emit.hpp"

namespace stk::load {
namespace {

using nlohmann::json;

// A plain scalar that YAML 1.1 would read back as a boolean, null or number must be quoted.
bool needs_quotes(const std::string& s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return true;
    Node n = Node::make_scalar(s);
    if (is_yaml_bool(n) || is_yaml_number(n)) return true;
    static const char* const specials[] = {".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan",
                                           ".NaN", ".NAN", "<<", "="};
    for (const char* w : specials)
        if (s == w) return true;
    return false;
}

// `escape_dollars`: values are written as the loader reads them, interpolation included, so a
// literal '$' becomes "$$" (as docker compose config prints it).
void emit(YAML::Emitter& out, const json& v, bool escape_dollars) {
    switch (v.type()) {
        case json::value_t::null:
            out << YAML::Null;
            break;
        case json::value_t::boolean:
            out << (v.get<bool>() ? "true" : "false");
            break;
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            out << v.dump();  // shortest form that reads back exactly
            break;
        case json::value_t::string: {
            std::string s = v.get<std::string>();
            if (escape_dollars) {
                std::string e;
                for (char c : s) {
                    if (c == '$') e += '$';
                    e += c;
                }
                s = std::move(e);
            }
            if (needs_quotes(s)) out << YAML::DoubleQuoted << s;
            else out << s;
            break;
        }
        case json::value_t::array:
            if (v.empty()) {
                out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
                break;
            }
            out << YAML::BeginSeq;
            for (const auto& item : v) emit(out, item, escape_dollars);
            out << YAML::EndSeq;
            break;
        case json::value_t::object:
            if (v.empty()) {
                out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
                break;
            }
            out << YAML::BeginMap;
            for (auto it = v.begin(); it != v.end(); ++it) {
                out << YAML::Key;
                if (needs_quotes(it.key())) out << YAML::DoubleQuoted;
                out << it.key() << YAML::Value;
                emit(out, it.value(), escape_dollars);
            }
            out << YAML::EndMap;
            break;
        default:
            out << YAML::Null;
    }
}

}  // namespace

std::string json_to_yaml(const json& value) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    emit(out, value, false);
    std::string text = out.c_str();
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

std::string to_yaml(const model::Project& project) {
    json doc = to_json(project);
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    static const char* const order[] = {"name",    "services", "networks", "volumes",
                                        "secrets", "configs",  "models"};
    for (const char* key : order) {
        auto it = doc.find(key);
        if (it == doc.end()) continue;
        out << YAML::Key << key << YAML::Value;
        emit(out, *it, true);
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (std::find(std::begin(order), std::end(order), it.key()) != std::end(order)) continue;
        out << YAML::Key << it.key() << YAML::Value;
        emit(out, it.value(), true);
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace stk::load
