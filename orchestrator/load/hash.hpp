#pragma once
// The config hash of a service: what later decides recreate-on-change.
#include <string>

#include "orchestrator/model/service.hpp"

namespace stk::load {

// SHA-256 (hex) of the service's canonical JSON without the keys that do not change a running
// container: build, pull_policy, scale, deploy.replicas, depends_on, profiles (as docker compose
// does). Stable across runs and processes.
std::string config_hash(const model::Service& service);

// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(const std::string& data);

}  // namespace stk::load
