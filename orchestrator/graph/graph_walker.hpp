#pragma once
// Visits every node of a DependencyGraph once, each only after the nodes it must follow have
// completed: dependencies first for Start, dependants first for Stop. At most `max_parallel`
// visits are in flight (0: no cap). Visits complete asynchronously through their Done
// callback, so the walker serves an event loop as well as synchronous code; it never blocks.
//
// Failure: in Start order, a node whose required dependency failed (or was skipped) is not
// visited but skipped, with the reason naming that dependency; an optional (required: false)
// dependency's failure does not block. In Stop order nothing is skipped: every node is still
// stopped after its dependants, failed or not.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "orchestrator/graph/dependency_graph.hpp"

namespace stk::graph {

enum class Direction { Start, Stop };

enum class Outcome { Pending, Running, Done, Failed, Skipped };

class GraphWalker {
public:
    // Called exactly once per completed visit: ok, or failed with a reason.
    using Done = std::function<void(bool ok, std::string error)>;
    using Visit = std::function<void(const std::string& node, Done done)>;
    // Called once when a node is skipped because of a failed dependency.
    using Skip = std::function<void(const std::string& node, const std::string& reason)>;
    // Called once when no visit is pending or running any more.
    using Finished = std::function<void()>;

    GraphWalker(const DependencyGraph& graph, Direction direction, size_t max_parallel = 0);

    void on_skip(Skip fn) { on_skip_ = std::move(fn); }
    void on_finished(Finished fn) { on_finished_ = std::move(fn); }

    // Starts the walk. `visit` may call `done` at once or later (from an event loop).
    void run(Visit visit);

    bool finished() const { return finished_; }
    Outcome outcome(const std::string& node) const;
    const std::string& error(const std::string& node) const;
    bool all_ok() const;

private:
    struct NodeState {
        Outcome outcome = Outcome::Pending;
        std::vector<std::string> before;  // must complete first
        std::vector<std::string> after;   // waiting for this one
        std::string error;
    };

    void pump();
    void complete(const std::string& node, bool ok, std::string error);
    bool ready(const NodeState& s) const;
    std::string blocking_failure(const std::string& node) const;

    const DependencyGraph& graph_;
    Direction direction_;
    size_t max_parallel_;
    Visit visit_;
    Skip on_skip_;
    Finished on_finished_;
    std::map<std::string, NodeState> states_;
    size_t running_ = 0;
    bool pumping_ = false;
    bool repump_ = false;
    bool finished_ = false;
};

// The order a walk with one visit at a time produces (for --dry-run and golden tests).
std::vector<std::string> walk_order(const DependencyGraph& graph, Direction direction);

}  // namespace stk::graph
