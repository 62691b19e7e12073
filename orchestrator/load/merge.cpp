#include "orchestrator/load/merge.hpp"

#include <functional>
#include <unordered_map>

namespace stk::load {
namespace {

using Path = std::vector<std::string>;

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t at = s.find(sep, start);
        parts.push_back(s.substr(start, at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return parts;
}

// True when `path` matches a dotted pattern where "*" matches any one segment.
bool matches(const Path& path, const char* pattern) {
    auto segs = split(pattern, '.');
    if (segs.size() != path.size()) return false;
    for (size_t i = 0; i < segs.size(); ++i)
        if (segs[i] != "*" && segs[i] != path[i]) return false;
    return true;
}

bool matches_any(const Path& path, std::initializer_list<const char*> patterns) {
    for (const char* p : patterns)
        if (matches(path, p)) return true;
    return false;
}

const std::initializer_list<const char*> kReplaced = {
    "services.*.command", "services.*.entrypoint", "services.*.healthcheck.test"};

// Fields given either as a KEY=VALUE list or as a mapping; merged by key.
const std::initializer_list<const char*> kKeyed = {
    "services.*.environment",      "services.*.labels",
    "services.*.annotations",      "services.*.extra_hosts",
    "services.*.sysctls",          "services.*.build.args",
    "services.*.build.labels",     "services.*.build.extra_hosts",
    "services.*.build.additional_contexts", "services.*.deploy.labels",
    "networks.*.labels",           "volumes.*.labels",
    "secrets.*.labels",            "configs.*.labels"};

bool is_tag(const Node& n, const char* tag) { return n.tag == tag; }

Node cleaned(const Node& n) {
    Node out = n;
    apply_tags_alone(out);
    return out;
}

// The key of one KEY=VALUE list item; extra_hosts also accept HOST:IP.
std::string item_key(const Node& item, bool host_form) {
    if (!item.is_scalar()) return {};
    const std::string& s = item.scalar;
    size_t at = s.find('=');
    if (at == std::string::npos && host_form) at = s.find(':');
    return at == std::string::npos ? s : s.substr(0, at);
}

Node list_to_map(const Node& seq, bool host_form) {
    Node map = Node::make_map(seq.loc);
    for (const auto& item : seq.items) {
        if (!item.is_scalar()) continue;
        std::string key = item_key(item, host_form);
        if (key.size() == item.scalar.size()) {
            map.set(key, Node{.loc = item.loc}, item.loc);
        } else {
            Node v = Node::make_scalar(item.scalar.substr(key.size() + 1), item.loc);
            v.quoted = true;
            map.set(key, std::move(v), item.loc);
        }
    }
    return map;
}

// depends_on / networks list form -> mapping form.
Node names_to_map(const Node& seq, bool depends_on) {
    Node map = Node::make_map(seq.loc);
    for (const auto& item : seq.items) {
        if (!item.is_scalar()) continue;
        Node v{.loc = item.loc};
        if (depends_on) {
            v = Node::make_map(item.loc);
            v.set("condition", Node::make_scalar("service_started", item.loc));
            v.set("required", Node::make_scalar("true", item.loc));
        }
        map.set(item.scalar, std::move(v), item.loc);
    }
    return map;
}

Node merge_node(const Node& base, const Node& over, Path& path);

Node merge_maps(const Node& base, const Node& over, Path& path) {
    Node out = base;
    out.tag.clear();
    for (const auto& e : over.entries) {
        if (is_tag(e.value, "!reset")) {
            out.erase(e.key);
            continue;
        }
        Node* existing = out.find(e.key);
        if (!existing) {
            out.entries.push_back(MapEntry{e.key, e.key_loc, cleaned(e.value)});
            continue;
        }
        path.push_back(e.key);
        *existing = merge_node(*existing, e.value, path);
        path.pop_back();
    }
    return out;
}

Node merge_node(const Node& base, const Node& over, Path& path) {
    if (is_tag(over, "!override") || matches_any(path, kReplaced)) return cleaned(over);
    bool keyed = matches_any(path, kKeyed);
    bool depends = matches(path, "services.*.depends_on");
    bool networks = matches(path, "services.*.networks");
    if ((keyed || depends || networks) && base.kind != over.kind &&
        (base.is_map() || over.is_map()) && (base.is_seq() || over.is_seq())) {
        bool host_form = path.back() == "extra_hosts";
        auto to_map = [&](const Node& n) {
            if (!n.is_seq()) return n;
            return keyed ? list_to_map(n, host_form) : names_to_map(n, depends);
        };
        return merge_maps(to_map(base), to_map(over), path);
    }
    if (matches(path, "services.*.build") && base.kind != over.kind &&
        (base.is_scalar() || over.is_scalar()) && (base.is_map() || over.is_map())) {
        auto to_map = [](const Node& n) {
            if (!n.is_scalar()) return n;
            Node m = Node::make_map(n.loc);
            m.set("context", n, n.loc);
            return m;
        };
        return merge_maps(to_map(base), to_map(over), path);
    }
    if (matches(path, "services.*.logging") && base.is_map() && over.is_map()) {
        const Node* bd = base.find("driver");
        const Node* od = over.find("driver");
        if (bd && od && bd->is_scalar() && od->is_scalar() && bd->scalar != od->scalar)
            return cleaned(over);
    }
    if (base.is_map() && over.is_map()) return merge_maps(base, over, path);
    if (base.is_seq() && over.is_seq()) {
        Node out = base;
        out.tag.clear();
        for (const auto& item : over.items)
            if (!is_tag(item, "!reset")) out.items.push_back(cleaned(item));
        return out;
    }
    return cleaned(over);
}

// ---- unicity ---------------------------------------------------------------------------------

std::string scalar_or_empty(const Node* n) { return n && n->is_scalar() ? n->scalar : ""; }

std::string device_target(const Node& n) {
    if (n.is_map()) return scalar_or_empty(n.find("target"));
    if (!n.is_scalar()) return {};
    auto parts = split(n.scalar, ':');
    return parts.size() >= 2 ? parts[1] : parts[0];
}

std::string mount_target(const Node& n, const std::string& dir) {
    std::string source, target;
    if (n.is_scalar()) {
        source = n.scalar;
    } else if (n.is_map()) {
        source = scalar_or_empty(n.find("source"));
        target = scalar_or_empty(n.find("target"));
    }
    if (target.empty()) target = source;
    if (!dir.empty() && !target.empty() && target[0] != '/') target = dir + "/" + target;
    return target;
}

std::string env_file_key(const Node& n) {
    if (n.is_map()) return scalar_or_empty(n.find("path"));
    return scalar_or_empty(&n);
}

using Indexer = std::function<std::string(const Node&)>;

void unique_by(Node& seq, const Indexer& key_of) {
    if (!seq.is_seq()) return;
    std::unordered_map<std::string, size_t> seen;
    std::vector<Node> out;
    out.reserve(seq.items.size());
    for (auto& item : seq.items) {
        std::string key = key_of(item);
        if (key.empty()) {
            out.push_back(std::move(item));
            continue;
        }
        auto [it, fresh] = seen.emplace(key, out.size());
        if (fresh) {
            out.push_back(std::move(item));
        } else {
            out[it->second] = std::move(item);
        }
    }
    seq.items = std::move(out);
}

void unique_service(Node& svc) {
    auto kv = [](const Node& n) { return item_key(n, false); };
    auto host = [](const Node& n) { return item_key(n, true); };
    auto plain = [](const Node& n) { return scalar_or_empty(&n); };
    struct Rule {
        const char* field;
        Indexer key;
    };
    const Rule rules[] = {
        {"annotations", kv},     {"environment", kv},  {"labels", kv},
        {"sysctls", kv},         {"extra_hosts", host}, {"cap_add", plain},
        {"cap_drop", plain},     {"dns", plain},       {"dns_opt", plain},
        {"dns_search", plain},   {"expose", plain},    {"links", plain},
        {"external_links", plain}, {"profiles", plain}, {"security_opt", plain},
        {"tmpfs", plain},        {"group_add", plain}, {"ports", port_key},
        {"volumes", volume_target}, {"devices", device_target},
        {"secrets", [](const Node& n) { return mount_target(n, "/run/secrets"); }},
        {"configs", [](const Node& n) { return mount_target(n, ""); }},
        {"env_file", env_file_key},
    };
    for (const auto& r : rules)
        if (Node* f = svc.find(r.field)) unique_by(*f, r.key);
    if (Node* build = svc.find("build"); build && build->is_map()) {
        for (const char* f : {"args", "labels", "additional_contexts"})
            if (Node* n = build->find(f)) unique_by(*n, kv);
        if (Node* n = build->find("extra_hosts")) unique_by(*n, host);
        if (Node* n = build->find("tags")) unique_by(*n, plain);
    }
    if (Node* nets = svc.find("networks"); nets && nets->is_map()) {
        for (auto& e : nets->entries) {
            if (!e.value.is_map()) continue;
            if (Node* a = e.value.find("aliases")) unique_by(*a, plain);
        }
    }
}

}  // namespace

std::string port_key(const Node& n) {
    if (n.is_map()) {
        std::string proto = scalar_or_empty(n.find("protocol"));
        return scalar_or_empty(n.find("host_ip")) + "|" + scalar_or_empty(n.find("published")) +
               "|" + scalar_or_empty(n.find("target")) + "|" + (proto.empty() ? "tcp" : proto);
    }
    if (!n.is_scalar()) return {};
    std::string s = n.scalar, proto = "tcp", ip, published, target;
    if (auto slash = s.rfind('/'); slash != std::string::npos) {
        proto = s.substr(slash + 1);
        s = s.substr(0, slash);
    }
    if (!s.empty() && s[0] == '[') {  // [v6]:published:target
        auto close = s.find(']');
        if (close != std::string::npos) {
            ip = s.substr(1, close - 1);
            s = close + 1 < s.size() ? s.substr(close + 2) : std::string();
        }
    }
    auto parts = split(s, ':');
    target = parts.back();
    if (parts.size() >= 2) published = parts[parts.size() - 2];
    if (parts.size() >= 3) {
        std::string rest;
        for (size_t i = 0; i + 2 < parts.size(); ++i) rest += (i ? ":" : "") + parts[i];
        ip = rest;
    }
    return ip + "|" + published + "|" + target + "|" + proto;
}

std::string volume_target(const Node& n) {
    if (n.is_map()) return scalar_or_empty(n.find("target"));
    if (!n.is_scalar()) return {};
    auto parts = split(n.scalar, ':');
    return parts.size() >= 2 ? parts[1] : parts[0];
}

Node merge_documents(const Node& base, const Node& over) {
    Path path;
    return merge_node(base, over, path);
}

Node merge_service(const Node& base, const Node& over, const std::string& name) {
    Path path{"services", name};
    return merge_node(base, over, path);
}

void apply_tags_alone(Node& n) {
    if (n.tag == "!reset" || n.tag == "!override") n.tag.clear();
    if (n.is_map()) {
        std::erase_if(n.entries, [](const MapEntry& e) { return e.value.tag == "!reset"; });
        for (auto& e : n.entries) apply_tags_alone(e.value);
    } else if (n.is_seq()) {
        std::erase_if(n.items, [](const Node& i) { return i.tag == "!reset"; });
        for (auto& i : n.items) apply_tags_alone(i);
    }
}

void enforce_unicity(Node& root) {
    Node* services = root.find("services");
    if (!services || !services->is_map()) return;
    for (auto& e : services->entries)
        if (e.value.is_map()) unique_service(e.value);
}

}  // namespace stk::load
