#pragma once
// The services of a project and what each one needs before it. Every command that orders
// services goes through this graph and GraphWalker; none sorts services by itself.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stk::graph {

struct Dependency {
    std::string service;       // the one depended upon
    std::string kind;          // "depends_on", "links", "network_mode", "pid", "ipc", "volumes_from"
    bool required = true;      // depends_on.required: a failure blocks the dependant
};

class DependencyGraph {
public:
    void add_node(const std::string& name);
    // `from` needs `dep.service` first. Both become nodes. Duplicate edges are merged (a
    // required edge wins over an optional one).
    void add_edge(const std::string& from, Dependency dep);

    bool has_node(const std::string& name) const { return deps_.count(name) != 0; }
    std::vector<std::string> nodes() const;  // sorted by name
    const std::vector<Dependency>& dependencies(const std::string& name) const;
    std::vector<std::string> dependants(const std::string& name) const;  // sorted

    // A dependency cycle, as the path that closes it ("a", "b", "a"), or nullopt. Deterministic:
    // the search starts from nodes in name order.
    std::optional<std::vector<std::string>> find_cycle() const;

    // The sub-graph of `roots` and everything they need (transitively), for `up svc`.
    DependencyGraph with_dependencies(const std::vector<std::string>& roots) const;
    // The sub-graph of `roots` and everything that needs them (transitively), for `stop svc`.
    DependencyGraph with_dependants(const std::vector<std::string>& roots) const;
    // Only `keep`, ordered as in this graph: an edge a -> b wherever a needs b directly or
    // through nodes left out (so that stopping or starting a subset keeps the full order).
    DependencyGraph ordering_among(const std::set<std::string>& keep) const;

private:
    std::map<std::string, std::vector<Dependency>> deps_;
};

// "a -> b -> a"
std::string format_cycle(const std::vector<std::string>& cycle);

}  // namespace stk::graph
