#pragma once
// The raw stack-file tree: what YAML said, with where it said it. Interpolation, merging,
// extends, include and profiles work on this tree; decoding turns it into the typed model.
// Plain data, no yaml-cpp: only load/ sources convert from yaml-cpp into it.
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace stk::load {

// A position in a source file, 1-based. `file` is shared by every node of that file.
struct Location {
    std::shared_ptr<const std::string> file;
    int line = 0;
    int column = 0;

    bool known() const { return file != nullptr; }
    // "path/compose.yaml:12:5", or "<unknown>" for nodes made by the loader itself.
    std::string to_string() const;
};

enum class NodeKind { Null, Scalar, Sequence, Mapping };

struct MapEntry;

struct Node {
    NodeKind kind = NodeKind::Null;
    std::string scalar;  // Scalar only: the text as written (after interpolation)
    bool quoted = false;  // Scalar written in quotes: always a string, never bool/number/null
    std::string tag;      // "!reset", "!override" or "" (other tags are kept verbatim)
    std::vector<Node> items;       // Sequence
    std::vector<MapEntry> entries;  // Mapping, in source order, keys unique
    Location loc;

    static Node make_scalar(std::string text, Location loc = {});
    static Node make_map(Location loc = {});
    static Node make_seq(Location loc = {});

    bool is_null() const { return kind == NodeKind::Null; }
    bool is_scalar() const { return kind == NodeKind::Scalar; }
    bool is_seq() const { return kind == NodeKind::Sequence; }
    bool is_map() const { return kind == NodeKind::Mapping; }

    // Mapping lookups; nullptr when absent (or when this is not a mapping).
    const Node* find(std::string_view key) const;
    Node* find(std::string_view key);
    const MapEntry* find_entry(std::string_view key) const;
    // Inserts or replaces; keeps the position of an existing key.
    Node& set(std::string key, Node value, Location key_loc = {});
    bool erase(std::string_view key);
};

struct MapEntry {
    std::string key;
    Location key_loc;
    Node value;
};

// Human name of a node kind for error messages: "a mapping", "a list", "a string", "null".
const char* kind_name(NodeKind kind);

}  // namespace stk::load
