#pragma once
// Names of what a project creates: containers as docker compose v2 names them, and the short
// `stk…` kernel names (interfaces are limited to 15 characters) derived from a hash so that two
// projects, or two test runs, never collide.
#include <string>

#include "orchestrator/model/project.hpp"

namespace stk::engine {

// `container_name`, or "<project>-<service>-<index>" (index from 1).
std::string container_name(const model::Project& project, const model::Service& service, int index);

// 8 hex digits of a stable hash of the parts.
std::string short_hash(const std::string& a, const std::string& b = {});

// The BridgeNetwork id of a project network: "n" + short hash of project and network (at most
// BridgeNetwork::kMaxIdLength characters; its namespace is then "stkn<hash>").
std::string network_id(const std::string& project, const std::string& network);

// The name of a container's network namespace: "stkc" + short hash of the container name.
std::string container_netns_name(const std::string& container);

}  // namespace stk::engine
