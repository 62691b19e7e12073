#pragma once
// What `stack up` will do to each container, decided before anything is touched: the output
// of reconcile() (orchestrator/plan/reconcile.hpp). Plain data, printable as stable text for
// golden tests and `stack up --dry-run`.
#include <string>
#include <vector>

#include "orchestrator/graph/dependency_graph.hpp"

namespace stk::plan {

enum class ActionKind {
    Create,    // no container yet (a new service or a scale-up replica)
    Recreate,  // exists, but its config hash changed, --force-recreate, or a restart dependency
    Start,     // exists with the same config, not running
    Keep,      // running with the same config, or a finished one-shot job: left untouched
    Remove,    // an orphan (with --remove-orphans) or a replica above the wanted scale
};

// "create", "recreate", "start", "keep", "remove".
const char* to_string(ActionKind kind);

struct Action {
    ActionKind kind = ActionKind::Keep;
    std::string service;
    std::string container;    // e.g. "demo-web-1", or the service's container_name
    int index = 1;            // replica number, from 1
    std::string config_hash;  // the wanted hash (the observed one for Remove)
    std::string reason;       // why, in a few words: "config changed", "orphan", ...
    // Create/Recreate/Start: whether the container is started after it is (re)created; false
    // with --no-start.
    bool start = true;
};

struct Plan {
    std::string project;
    // Per selected service in dependency order (dependencies first; ties by name), its replicas
    // by index; then removals of orphans and scaled-down replicas.
    std::vector<Action> actions;
    // The selected services and the edges between them, for the executor's GraphWalker.
    graph::DependencyGraph graph;
    // Not errors: "orphan containers: a, b (...)".
    std::vector<std::string> warnings;

    // The actions for one service (replicas in index order), removals included.
    std::vector<const Action*> for_service(const std::string& service) const;
    // True when nothing is created, recreated, started or removed.
    bool unchanged() const;
    // One line per action, then one per warning; stable for golden tests:
    //   plan for project "demo":
    //     create    demo-db-1  (new)
    //     keep      demo-web-1  (running, config unchanged)
    //   warning: orphan containers: demo-old-1 (use --remove-orphans to remove them)
    std::string to_string() const;
};

}  // namespace stk::plan
