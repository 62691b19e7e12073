#include "orchestrator/load/yaml_reader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <memory>
#include <sstream>
#include <unordered_map>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/merge.hpp"
#include "orchestrator/load/text_check.hpp"
#include "orchestrator/load/resolve.hpp"

namespace stk::load {
namespace {

size_t subtree_size(const Node& n) {
    size_t size = 1;
    for (const auto& i : n.items) size += subtree_size(i);
    for (const auto& e : n.entries) size += subtree_size(e.value);
    return size;
}

// Builds raw trees straight from yaml-cpp's parse events: no yaml-cpp node graph (faster, and
// an alias can never form a cycle: one naming an anchor still being built is an error).
class TreeBuilder : public YAML::EventHandler {
public:
    explicit TreeBuilder(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

    std::vector<Node>& documents() { return docs_; }

    void OnDocumentStart(const YAML::Mark& mark) override {
        // yaml-cpp 0.7 can report empty documents forever on some malformed input.
        if (++documents_seen_ > kMaxYamlDocuments)
            fail(location(mark), "more than " + std::to_string(kMaxYamlDocuments) +
                                     " YAML documents in one file");
        stack_.clear();
        anchors_.clear();
        has_doc_ = false;
    }
    void OnDocumentEnd() override {
        if (has_doc_) docs_.push_back(std::move(doc_));
        has_doc_ = false;
    }

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        Node n;
        n.loc = location(mark);
        add(std::move(n), anchor);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        Node n;
        n.loc = location(mark);
        if (tag != "?" && tag != "!") n.tag = tag;
        if (value.empty() && (n.tag == "!reset" || n.tag == "!override")) {
            n.kind = NodeKind::Null;  // `key: !reset` with no value
        } else {
            n.kind = NodeKind::Scalar;
            n.scalar = value;
            n.quoted = tag == "!";
        }
        add(std::move(n), anchor);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        Location loc = location(mark);
        auto it = anchors_.find(anchor);
        if (it == anchors_.end())
            fail(loc, "alias to an anchor that is not complete (an alias inside its own anchor)");
        count(loc, it->second.second);
        deliver(Node(it->second.first));
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(Node::make_seq(location(mark)), tag, anchor);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(Node::make_map(location(mark)), tag, anchor);
    }
    void OnMapEnd() override { close(); }

    [[noreturn]] static void fail(const Location& loc, const std::string& message) {
        throw LoadError(Diagnostic{loc, "", message, {}});
    }

private:
    struct Frame {
        Node node;
        YAML::anchor_t anchor = 0;
        bool want_key = true;  // mappings: the next node is a key
        std::string key;
        Location key_loc;
        bool merge_key = false;
        std::vector<Node> merge_sources;
        size_t merge_pos = SIZE_MAX;
        std::unordered_map<std::string, size_t> index;  // key -> entry, for large mappings
    };

    Location location(const YAML::Mark& m) const {
        if (m.is_null() || m.line < 0) return Location{file_, 1, 1};
        return Location{file_, m.line + 1, m.column + 1};
    }

    void count(const Location& loc, size_t n) {
        count_ += n;
        if (count_ > kMaxYamlNodes)
            fail(loc, "more than " + std::to_string(kMaxYamlNodes) +
                          " nodes after expanding aliases (alias bomb?)");
    }

    void open(Node n, const std::string& tag, YAML::anchor_t anchor) {
        count(n.loc, 1);
        if (stack_.size() >= static_cast<size_t>(kMaxYamlDepth))
            fail(n.loc, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
        if (tag != "?" && tag != "!") n.tag = tag;
        Frame f;
        f.node = std::move(n);
        f.anchor = anchor;
        stack_.push_back(std::move(f));
    }

    void close() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.node.is_map()) apply_merge_keys(f);
        add(std::move(f.node), f.anchor);
    }

    void add(Node n, YAML::anchor_t anchor) {
        if (n.kind == NodeKind::Scalar || n.kind == NodeKind::Null) count(n.loc, 1);
        if (anchor != YAML::NullAnchor) anchors_[anchor] = {n, subtree_size(n)};
        deliver(std::move(n));
    }

    void deliver(Node n) {
        if (stack_.empty()) {
            doc_ = std::move(n);
            has_doc_ = true;
            return;
        }
        Frame& f = stack_.back();
        if (f.node.is_seq()) {
            f.node.items.push_back(std::move(n));
        } else if (f.want_key) {
            take_key(f, std::move(n));
        } else {
            take_value(f, std::move(n));
        }
    }

    void take_key(Frame& f, Node k) {
        if (!k.is_scalar())
            fail(k.loc, std::string("a mapping key must be a string, not ") + kind_name(k.kind));
        f.merge_key = k.scalar == "<<" && !k.quoted && k.tag.empty();
        f.key = std::move(k.scalar);
        f.key_loc = std::move(k.loc);
        f.want_key = false;
    }

    void take_value(Frame& f, Node v) {
        f.want_key = true;
        if (f.merge_key) {
            if (f.merge_pos != SIZE_MAX) fail(f.key_loc, "duplicate merge key \"<<\"");
            f.merge_pos = f.node.entries.size();
            auto bad = [](const Node& n) {
                fail(n.loc, std::string("a \"<<\" merge key takes a mapping or a list of "
                                        "mappings, not ") + kind_name(n.kind));
            };
            if (v.is_map()) {
                f.merge_sources.push_back(std::move(v));
            } else if (v.is_seq()) {
                for (auto& item : v.items) {
                    if (!item.is_map()) bad(item);
                    f.merge_sources.push_back(std::move(item));
                }
            } else {
                bad(v);
            }
            return;
        }
        if (const MapEntry* prev = find(f, f.key))
            fail(f.key_loc, "duplicate key \"" + f.key + "\" (first defined at " +
                                prev->key_loc.to_string() + ")");
        f.node.entries.push_back(MapEntry{std::move(f.key), std::move(f.key_loc), std::move(v)});
        if (!f.index.empty() || f.node.entries.size() > 16) reindex(f);
    }

    const MapEntry* find(Frame& f, const std::string& key) {
        if (f.index.empty()) return f.node.find_entry(key);
        auto it = f.index.find(key);
        return it == f.index.end() ? nullptr : &f.node.entries[it->second];
    }

    static void reindex(Frame& f) {
        if (f.index.empty()) {
            for (size_t i = 0; i < f.node.entries.size(); ++i)
                f.index.emplace(f.node.entries[i].key, i);
        } else {
            f.index.emplace(f.node.entries.back().key, f.node.entries.size() - 1);
        }
    }

    // Explicit keys win; among merged mappings the first one naming a key wins.
    static void apply_merge_keys(Frame& f) {
        if (f.merge_sources.empty()) return;
        Node& out = f.node;
        std::vector<MapEntry> merged;
        for (auto& src : f.merge_sources) {
            for (auto& e : src.entries) {
                if (out.find_entry(e.key)) continue;
                bool seen = false;
                for (const auto& m : merged) seen = seen || m.key == e.key;
                if (!seen) merged.push_back(std::move(e));
            }
        }
        out.entries.insert(out.entries.begin() + static_cast<std::ptrdiff_t>(f.merge_pos),
                           std::make_move_iterator(merged.begin()),
                           std::make_move_iterator(merged.end()));
    }

    std::shared_ptr<const std::string> file_;
    std::vector<Node> docs_;
    std::vector<Frame> stack_;
    std::unordered_map<YAML::anchor_t, std::pair<Node, size_t>> anchors_;
    Node doc_;
    bool has_doc_ = false;
    size_t count_ = 0;
    size_t documents_seen_ = 0;
};

}  // namespace

Node parse_yaml_any(const std::string& text, const std::string& file) {
    auto file_ptr = std::make_shared<const std::string>(file);
    // A NUL byte also sends yaml-cpp 0.7 into an endless document loop.
    check_text(text, file_ptr);
    TreeBuilder builder(file_ptr);
    try {
        std::istringstream in(text);
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const YAML::Exception& e) {
        Location loc{file_ptr, 1, 1};
        if (!e.mark.is_null()) loc = Location{file_ptr, e.mark.line + 1, e.mark.column + 1};
        throw LoadError(Diagnostic{loc, "", "YAML syntax error: " + e.msg, {}});
    }
    Node result;
    bool overlaid = false;
    for (auto& n : builder.documents()) {
        if (n.is_null() && n.tag.empty()) continue;
        if (result.is_null()) {
            result = std::move(n);
        } else {
            if (!result.is_map() || !n.is_map())
                TreeBuilder::fail(n.loc, "several YAML documents in one file must all be mappings");
            if (!overlaid) apply_tags_alone(result);
            overlaid = true;
            result = merge_documents(result, n);
        }
    }
    return result;
}

Node parse_yaml(const std::string& text, const std::string& file) {
    Node root = parse_yaml_any(text, file);
    if (root.is_null())
        throw LoadError(Diagnostic{Location{std::make_shared<const std::string>(file), 1, 1}, "",
                                   "empty stack file", {}});
    if (!root.is_map())
        throw LoadError(Diagnostic{root.loc, "",
                                   std::string("the top level must be a mapping, not ") +
                                       kind_name(root.kind),
                                   "start the file with keys such as services:"});
    return root;
}

}  // namespace stk::load
