#pragma once
// Typed reading of the raw tree for the decoder: each accessor checks the node's shape, reports
// a precise error (file:line:col, field path, what to write instead) and returns nullopt so
// that decoding goes on and several errors are collected at once.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/tree.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::load {

// Where each decoded field came from, by field path ("services.web.ports[0]"), for the
// checks that run on the typed model afterwards.
using LocationIndex = std::map<std::string, Location>;

struct DecodeContext {
    Diagnostics& diags;
    LocationIndex locations;

    void error(const Node& at, const std::string& path, std::string message, std::string hint = {});
    void wrong_type(const Node& at, const std::string& path, const char* expected);
};

// YAML 1.1 plain-scalar typing, as compose reads values where it expects bool/number/null.
bool is_yaml_bool(const Node& n, bool* value = nullptr);
bool is_yaml_number(const Node& n);

std::optional<std::string> read_string(DecodeContext& ctx, const Node& n, const std::string& path);
std::optional<bool> read_bool(DecodeContext& ctx, const Node& n, const std::string& path);
std::optional<int64_t> read_int(DecodeContext& ctx, const Node& n, const std::string& path,
                                int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);
std::optional<double> read_double(DecodeContext& ctx, const Node& n, const std::string& path);
std::optional<model::Duration> read_duration(DecodeContext& ctx, const Node& n,
                                             const std::string& path);
std::optional<model::Bytes> read_bytes(DecodeContext& ctx, const Node& n, const std::string& path);
// A file mode: an integer as written (YAML 1.1 reads 0644 as octal) or an octal string.
std::optional<uint32_t> read_mode(DecodeContext& ctx, const Node& n, const std::string& path);

// A list of strings.
std::vector<std::string> read_string_list(DecodeContext& ctx, const Node& n,
                                          const std::string& path);
// A string (one item) or a list of strings.
std::vector<std::string> read_string_or_list(DecodeContext& ctx, const Node& n,
                                             const std::string& path);
// A mapping KEY: VALUE or a list of "KEY=VALUE" (a bare "KEY" gives null). With
// `strict_bools`, unquoted booleans are refused (environment values must be quoted).
model::OptionalStringMap read_list_or_dict(DecodeContext& ctx, const Node& n,
                                           const std::string& path, bool strict_bools,
                                           char separator = '=');
// Same, null values dropped (labels, sysctls...).
model::StringMap read_string_map(DecodeContext& ctx, const Node& n, const std::string& path);

// The raw node as JSON (for x-* extensions).
nlohmann::json to_json_value(const Node& n);

// Reads the keys of one mapping, records which ones the schema knows, and reports the others
// with the nearest known name.
class MapReader {
public:
    // `n` must be a mapping (reports an error otherwise and reads nothing).
    MapReader(DecodeContext& ctx, const Node& n, std::string path, const char* what = "a mapping");

    bool ok() const { return node_ != nullptr; }
    const std::string& path() const { return path_; }
    // The value of `key`, or nullptr when absent; `key` becomes a known key either way.
    const Node* get(const char* key);
    // "path.key"
    std::string sub(const char* key) const { return path_ + "." + key; }

    template <typename T, typename Fn>
    void field(const char* key, T& out, Fn read) {
        if (const Node* v = get(key))
            if (auto r = read(ctx_, *v, sub(key))) out = *r;
    }

    // Reports unknown keys. x-* keys go to `extensions` when given, else they are unknown.
    void finish(model::Extensions* extensions);

private:
    DecodeContext& ctx_;
    const Node* node_ = nullptr;
    std::string path_;
    std::vector<std::string> known_;
};

}  // namespace stk::load
