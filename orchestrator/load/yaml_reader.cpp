#include "orchestrator/load/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/merge.hpp"
#include "orchestrator/load/resolve.hpp"

namespace stk::load {
namespace {

class Converter {
public:
    explicit Converter(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

    Node convert(const YAML::Node& y, const Location& fallback, int depth) {
        Location loc = location(y, fallback);
        if (depth > kMaxYamlDepth)
            fail(loc, "nesting deeper than " + std::to_string(kMaxYamlDepth) +
                          " levels (or a self-referencing alias)");
        if (++count_ > kMaxYamlNodes)
            fail(loc, "more than " + std::to_string(kMaxYamlNodes) +
                          " nodes after expanding aliases (alias bomb?)");
        Node n;
        n.loc = loc;
        const std::string& tag = y.Tag();
        if (tag != "?" && tag != "!") n.tag = tag;
        switch (y.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                n.kind = NodeKind::Null;
                break;
            case YAML::NodeType::Scalar:
                n.kind = NodeKind::Scalar;
                n.scalar = y.Scalar();
                n.quoted = tag == "!";
                break;
            case YAML::NodeType::Sequence:
                n.kind = NodeKind::Sequence;
                n.items.reserve(y.size());
                for (const auto& item : y) n.items.push_back(convert(item, loc, depth + 1));
                break;
            case YAML::NodeType::Map:
                n.kind = NodeKind::Mapping;
                convert_map(y, n, depth);
                break;
        }
        return n;
    }

    [[noreturn]] void fail(const Location& loc, const std::string& message) {
        throw LoadError(Diagnostic{loc, "", message, {}});
    }

private:
    Location location(const YAML::Node& y, const Location& fallback) const {
        YAML::Mark m = y.Mark();
        if (m.is_null() || m.line < 0) return fallback;
        return Location{file_, m.line + 1, m.column + 1};
    }

    static bool is_merge_key(const YAML::Node& k) {
        return k.IsScalar() && k.Scalar() == "<<" && k.Tag() != "!";
    }

    void convert_map(const YAML::Node& y, Node& out, int depth) {
        std::vector<Node> merge_sources;
        size_t merge_pos = SIZE_MAX;
        for (auto it = y.begin(); it != y.end(); ++it) {
            const YAML::Node& k = it->first;
            Location key_loc = location(k, out.loc);
            if (is_merge_key(k)) {
                if (merge_pos != SIZE_MAX) fail(key_loc, "duplicate merge key \"<<\"");
                merge_pos = out.entries.size();
                Node src = convert(it->second, key_loc, depth + 1);
                if (src.is_map()) {
                    merge_sources.push_back(std::move(src));
                } else if (src.is_seq()) {
                    for (auto& item : src.items) {
                        if (!item.is_map())
                            fail(item.loc, "a \"<<\" merge key takes a mapping or a list of "
                                           "mappings, not " + std::string(kind_name(item.kind)));
                        merge_sources.push_back(std::move(item));
                    }
                } else {
                    fail(src.loc, "a \"<<\" merge key takes a mapping or a list of mappings, "
                                  "not " + std::string(kind_name(src.kind)));
                }
                continue;
            }
            if (!k.IsScalar())
                fail(key_loc, std::string("a mapping key must be a string, not ") +
                                  (k.IsNull() ? "null" : k.IsMap() ? "a mapping" : "a list"));
            std::string key = k.Scalar();
            if (const MapEntry* prev = out.find_entry(key))
                fail(key_loc, "duplicate key \"" + key + "\" (first defined at " +
                                  prev->key_loc.to_string() + ")");
            Node value = convert(it->second, key_loc, depth + 1);
            out.entries.push_back(MapEntry{std::move(key), key_loc, std::move(value)});
        }
        if (merge_sources.empty()) return;
        // Explicit keys win; among merged mappings the first one naming a key wins.
        std::vector<MapEntry> merged;
        for (auto& src : merge_sources) {
            for (auto& e : src.entries) {
                if (out.find_entry(e.key)) continue;
                bool seen = false;
                for (const auto& m : merged) seen = seen || m.key == e.key;
                if (!seen) merged.push_back(std::move(e));
            }
        }
        out.entries.insert(out.entries.begin() + static_cast<std::ptrdiff_t>(merge_pos),
                           std::make_move_iterator(merged.begin()),
                           std::make_move_iterator(merged.end()));
    }

    std::shared_ptr<const std::string> file_;
    size_t count_ = 0;
};

}  // namespace

Node parse_yaml_any(const std::string& text, const std::string& file) {
    auto file_ptr = std::make_shared<const std::string>(file);
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        Location loc{file_ptr, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1};
        if (e.mark.is_null()) loc = Location{file_ptr, 1, 1};
        throw LoadError(Diagnostic{loc, "", "YAML syntax error: " + e.msg, {}});
    }
    Converter conv(file_ptr);
    Node result;
    Location start{file_ptr, 1, 1};
    for (const auto& doc : docs) {
        Node n = conv.convert(doc, start, 0);
        if (n.is_null() && n.tag.empty()) continue;
        if (result.is_null()) {
            result = std::move(n);
        } else {
            if (!result.is_map() || !n.is_map())
                conv.fail(n.loc, "several YAML documents in one file must all be mappings");
            result = merge_documents(result, n);
        }
    }
    return result;
}

Node parse_yaml(const std::string& text, const std::string& file) {
    Node root = parse_yaml_any(text, file);
    Location start{std::make_shared<const std::string>(file), 1, 1};
    if (root.is_null()) throw LoadError(Diagnostic{start, "", "empty stack file", {}});
    if (!root.is_map())
        throw LoadError(Diagnostic{root.loc, "",
                                   std::string("the top level must be a mapping, not ") +
                                       kind_name(root.kind),
                                   "start the file with keys such as services:"});
    return root;
}

}  // namespace stk::load
