#include "orchestrator/graph/dependency_graph.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace stk::graph {

void DependencyGraph::add_node(const std::string& name) { deps_.try_emplace(name); }

void DependencyGraph::add_edge(const std::string& from, Dependency dep) {
    add_node(dep.service);
    auto& list = deps_[from];
    for (auto& d : list) {
        if (d.service == dep.service) {
            d.required = d.required || dep.required;
            return;
        }
    }
    list.push_back(std::move(dep));
}

std::vector<std::string> DependencyGraph::nodes() const {
    std::vector<std::string> out;
    out.reserve(deps_.size());
    for (const auto& [name, _] : deps_) out.push_back(name);
    return out;
}

const std::vector<Dependency>& DependencyGraph::dependencies(const std::string& name) const {
    static const std::vector<Dependency> none;
    auto it = deps_.find(name);
    return it == deps_.end() ? none : it->second;
}

std::vector<std::string> DependencyGraph::dependants(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [node, list] : deps_) {
        for (const auto& d : list) {
            if (d.service == name) {
                out.push_back(node);
                break;
            }
        }
    }
    return out;
}

std::optional<std::vector<std::string>> DependencyGraph::find_cycle() const {
    enum class Mark { None, Active, Done };
    std::map<std::string, Mark> mark;
    std::vector<std::string> stack;
    std::optional<std::vector<std::string>> found;

    // Iterative DFS: a 1,000-deep chain must not exhaust the call stack.
    for (const auto& [root, _] : deps_) {
        if (found) break;
        if (mark[root] != Mark::None) continue;
        std::vector<std::pair<std::string, size_t>> frames{{root, 0}};
        mark[root] = Mark::Active;
        stack.push_back(root);
        while (!frames.empty() && !found) {
            auto& [node, next] = frames.back();
            const auto& list = dependencies(node);
            if (next < list.size()) {
                const std::string& dep = list[next++].service;
                Mark m = mark[dep];
                if (m == Mark::Active) {
                    auto start = std::find(stack.begin(), stack.end(), dep);
                    std::vector<std::string> cycle(start, stack.end());
                    cycle.push_back(dep);
                    found = std::move(cycle);
                } else if (m == Mark::None) {
                    mark[dep] = Mark::Active;
                    stack.push_back(dep);
                    frames.emplace_back(dep, 0);
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop_back();
                frames.pop_back();
            }
        }
    }
    return found;
}

namespace {

std::set<std::string> closure(const std::vector<std::string>& roots,
                              const std::function<std::vector<std::string>(const std::string&)>& next) {
    std::set<std::string> seen;
    std::vector<std::string> todo(roots.begin(), roots.end());
    while (!todo.empty()) {
        std::string n = std::move(todo.back());
        todo.pop_back();
        if (!seen.insert(n).second) continue;
        for (auto& m : next(n)) todo.push_back(std::move(m));
    }
    return seen;
}

DependencyGraph restrict_to(const DependencyGraph& g, const std::set<std::string>& keep) {
    DependencyGraph out;
    for (const auto& n : keep) {
        if (!g.has_node(n)) continue;
        out.add_node(n);
        for (const auto& d : g.dependencies(n))
            if (keep.count(d.service)) out.add_edge(n, d);
    }
    return out;
}

}  // namespace

DependencyGraph DependencyGraph::with_dependencies(const std::vector<std::string>& roots) const {
    auto keep = closure(roots, [this](const std::string& n) {
        std::vector<std::string> out;
        for (const auto& d : dependencies(n)) out.push_back(d.service);
        return out;
    });
    return restrict_to(*this, keep);
}

DependencyGraph DependencyGraph::with_dependants(const std::vector<std::string>& roots) const {
    auto keep = closure(roots, [this](const std::string& n) { return dependants(n); });
    return restrict_to(*this, keep);
}

DependencyGraph DependencyGraph::ordering_among(const std::set<std::string>& keep) const {
    DependencyGraph out;
    for (const auto& n : keep) {
        if (!has_node(n)) continue;
        out.add_node(n);
        // Walk down through left-out nodes; stop at kept ones (their own edges carry on).
        std::set<std::string> seen;
        std::vector<Dependency> todo(dependencies(n).begin(), dependencies(n).end());
        while (!todo.empty()) {
            Dependency d = std::move(todo.back());
            todo.pop_back();
            if (!seen.insert(d.service).second) continue;
            if (keep.count(d.service)) {
                out.add_edge(n, d);
            } else if (has_node(d.service)) {
                for (const auto& next : dependencies(d.service)) todo.push_back(next);
            }
        }
    }
    return out;
}

std::string format_cycle(const std::vector<std::string>& cycle) {
    std::string out;
    for (const auto& n : cycle) {
        if (!out.empty()) out += " -> ";
        out += n;
    }
    return out;
}

}  // namespace stk::graph
