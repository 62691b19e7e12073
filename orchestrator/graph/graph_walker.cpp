#include "orchestrator/graph/graph_walker.hpp"

namespace stk::graph {

GraphWalker::GraphWalker(const DependencyGraph& graph, Direction direction, size_t max_parallel)
    : graph_(graph), direction_(direction), max_parallel_(max_parallel) {
    for (const auto& n : graph.nodes()) states_[n];
    for (const auto& n : graph.nodes()) {
        for (const auto& d : graph.dependencies(n)) {
            // Start: the dependency goes first. Stop: the dependant goes first.
            const std::string& first = direction == Direction::Start ? d.service : n;
            const std::string& second = direction == Direction::Start ? n : d.service;
            states_[second].before.push_back(first);
            states_[first].after.push_back(second);
        }
    }
}

Outcome GraphWalker::outcome(const std::string& node) const {
    auto it = states_.find(node);
    return it == states_.end() ? Outcome::Pending : it->second.outcome;
}

const std::string& GraphWalker::error(const std::string& node) const {
    static const std::string none;
    auto it = states_.find(node);
    return it == states_.end() ? none : it->second.error;
}

bool GraphWalker::all_ok() const {
    for (const auto& [_, s] : states_)
        if (s.outcome != Outcome::Done) return false;
    return true;
}

void GraphWalker::run(Visit visit) {
    visit_ = std::move(visit);
    pump();
}

bool GraphWalker::ready(const NodeState& s) const {
    for (const auto& b : s.before) {
        Outcome o = states_.at(b).outcome;
        if (o == Outcome::Pending || o == Outcome::Running) return false;
    }
    return true;
}

// In Start order, the first required dependency that failed or was skipped, or "".
std::string GraphWalker::blocking_failure(const std::string& node) const {
    if (direction_ != Direction::Start) return {};
    for (const auto& d : graph_.dependencies(node)) {
        const auto& s = states_.at(d.service);
        if (!d.required) continue;
        if (s.outcome == Outcome::Failed)
            return "dependency \"" + d.service + "\" failed: " + s.error;
        if (s.outcome == Outcome::Skipped)
            return "dependency \"" + d.service + "\" was not started: " + s.error;
    }
    return {};
}

void GraphWalker::complete(const std::string& node, bool ok, std::string error) {
    auto& s = states_.at(node);
    if (s.outcome != Outcome::Running) return;  // a second call of the same Done is ignored
    s.outcome = ok ? Outcome::Done : Outcome::Failed;
    s.error = std::move(error);
    --running_;
    pump();
}

// Visits run from this loop, never from inside each other: a visit that completes at once only
// asks for another round, so a 1,000-node chain does not recurse 1,000 deep.
void GraphWalker::pump() {
    if (pumping_) {
        repump_ = true;
        return;
    }
    pumping_ = true;
    do {
        repump_ = false;
        for (auto& [name, s] : states_) {
            if (s.outcome != Outcome::Pending || !ready(s)) continue;
            std::string blocked = blocking_failure(name);
            if (!blocked.empty()) {
                s.outcome = Outcome::Skipped;
                s.error = blocked;
                if (on_skip_) on_skip_(name, blocked);
                repump_ = true;
                continue;
            }
            if (max_parallel_ != 0 && running_ >= max_parallel_) break;
            s.outcome = Outcome::Running;
            ++running_;
            const std::string node = name;
            visit_(node, [this, node](bool ok, std::string err) { complete(node, ok, std::move(err)); });
        }
    } while (repump_);
    pumping_ = false;

    if (!finished_ && running_ == 0) {
        // Nothing runs and nothing became ready: what is left waits on a cycle. The loader
        // rejects cycles, so this only guards against a graph built by hand.
        for (auto& [name, s] : states_) {
            if (s.outcome != Outcome::Pending) continue;
            s.outcome = Outcome::Skipped;
            s.error = "dependency cycle";
            if (on_skip_) on_skip_(name, s.error);
        }
        {
            finished_ = true;
            if (on_finished_) on_finished_();
        }
    }
}

std::vector<std::string> walk_order(const DependencyGraph& graph, Direction direction) {
    std::vector<std::string> order;
    GraphWalker walker(graph, direction, 1);
    walker.run([&](const std::string& node, GraphWalker::Done done) {
        order.push_back(node);
        done(true, {});
    });
    return order;
}

}  // namespace stk::graph
