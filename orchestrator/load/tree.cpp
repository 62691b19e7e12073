#include "orchestrator/load/tree.hpp"

#include <algorithm>

namespace stk::load {

std::string Location::to_string() const {
    if (!file) return "<unknown>";
    return *file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Node Node::make_scalar(std::string text, Location loc) {
    Node n;
    n.kind = NodeKind::Scalar;
    n.scalar = std::move(text);
    n.loc = std::move(loc);
    return n;
}

Node Node::make_map(Location loc) {
    Node n;
    n.kind = NodeKind::Mapping;
    n.loc = std::move(loc);
    return n;
}

Node Node::make_seq(Location loc) {
    Node n;
    n.kind = NodeKind::Sequence;
    n.loc = std::move(loc);
    return n;
}

const MapEntry* Node::find_entry(std::string_view key) const {
    if (kind != NodeKind::Mapping) return nullptr;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const MapEntry& e) { return e.key == key; });
    return it == entries.end() ? nullptr : &*it;
}

const Node* Node::find(std::string_view key) const {
    const MapEntry* e = find_entry(key);
    return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
    return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

Node& Node::set(std::string key, Node value, Location key_loc) {
    if (kind != NodeKind::Mapping) {
        kind = NodeKind::Mapping;
        items.clear();
        scalar.clear();
    }
    for (auto& e : entries) {
        if (e.key == key) {
            e.value = std::move(value);
            if (key_loc.known()) e.key_loc = std::move(key_loc);
            return e.value;
        }
    }
    entries.push_back(MapEntry{std::move(key), std::move(key_loc), std::move(value)});
    return entries.back().value;
}

bool Node::erase(std::string_view key) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const MapEntry& e) { return e.key == key; });
    if (it == entries.end()) return false;
    entries.erase(it);
    return true;
}

const char* kind_name(NodeKind kind) {
    switch (kind) {
        case NodeKind::Null: return "null";
        case NodeKind::Scalar: return "a scalar";
        case NodeKind::Sequence: return "a list";
        case NodeKind::Mapping: return "a mapping";
    }
    return "?";
}

}  // namespace stk::load
