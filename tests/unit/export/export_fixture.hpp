#pragma once
// Exports a stack file with the real loader and parses the YAML text back into JSON, so the
// tests assert on what `stack export k8s` prints, not on the exporter's internal objects.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/export/k8s/exporter.hpp"
#include "orchestrator/export/k8s/writer.hpp"
#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/load/resolve.hpp"
#include "tests/unit/load/resolve_fixture.hpp"

namespace export_test {

using nlohmann::json;

inline const std::string kFixture = std::string(STACK_SOURCE_DIR) + "/tests/fixtures/k8s/compose.yaml";

inline stk::k8s::Manifests export_file(const std::string& file, stk::k8s::ExportOptions options = {}) {
    stk::load::LoadOptions o;
    o.files = {file};
    o.working_dir = std::filesystem::path(file).parent_path();
    o.shell_env_from_process = false;
    return stk::k8s::export_k8s(stk::load::load_project(o), options);
}

inline json to_json(const stk::load::Node& n) {
    using stk::load::NodeKind;
    switch (n.kind) {
        case NodeKind::Null:
            return nullptr;
        case NodeKind::Scalar: {
            bool b = false;
            if (!n.quoted && stk::load::is_yaml_bool(n, &b)) return b;
            if (!n.quoted && stk::load::is_yaml_number(n)) return json::parse(n.scalar);
            if (!n.quoted && (n.scalar == "null" || n.scalar == "~")) return nullptr;
            return n.scalar;
        }
        case NodeKind::Sequence: {
            json a = json::array();
            for (const auto& i : n.items) a.push_back(to_json(i));
            return a;
        }
        case NodeKind::Mapping: {
            json o = json::object();
            for (const auto& e : n.entries) o[e.key] = to_json(e.value);
            return o;
        }
    }
    return nullptr;
}

// Splits the multi-document stream on "---" lines and parses each document with the loader's
// YAML reader.
inline std::vector<json> parse_stream(const std::string& yaml) {
    std::vector<json> docs;
    size_t pos = 0;
    while (pos < yaml.size()) {
        REQUIRE(yaml.compare(pos, 4, "---\n") == 0);
        size_t next = yaml.find("\n---\n", pos);
        size_t end = next == std::string::npos ? yaml.size() : next + 1;
        docs.push_back(to_json(stk::load::parse_yaml(yaml.substr(pos + 4, end - pos - 4), "export")));
        pos = end;
    }
    return docs;
}

// The fixture exported and read back from its YAML text.
inline std::vector<json> exported(const std::string& file = kFixture, stk::k8s::ExportOptions options = {}) {
    return parse_stream(stk::k8s::to_yaml_stream(export_file(file, options).objects));
}

inline const json& object(const std::vector<json>& docs, const std::string& kind, const std::string& name) {
    for (const auto& d : docs)
        if (d["kind"] == kind && d["metadata"]["name"] == name) return d;
    FAIL("no " << kind << " named " << name);
    static const json none;
    return none;
}

inline bool has_object(const std::vector<json>& docs, const std::string& kind, const std::string& name) {
    for (const auto& d : docs)
        if (d["kind"] == kind && d["metadata"]["name"] == name) return true;
    return false;
}

inline const json& pod_spec(const json& workload) { return workload["spec"]["template"]["spec"]; }
inline const json& container(const json& workload) { return pod_spec(workload)["containers"][0]; }

// The error text of an export expected to fail ("" when it succeeded).
inline std::string export_error(const std::string& file, stk::k8s::ExportOptions options = {}) {
    try {
        export_file(file, options);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace export_test
