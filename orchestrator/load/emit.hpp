#pragma once
// The resolved model back to canonical text, as `stack config` prints it: long forms, defaults
// filled, durations as compose strings ("1m30s"), sizes in bytes, keys in a stable order.
// Feeding the YAML back through the loader yields the same output.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/model/project.hpp"

namespace stk::load {

// Top level: name, services, networks, volumes, secrets, configs, models, x-*. In the YAML a
// literal '$' is written "$$" so that the text reads back through interpolation unchanged.
std::string to_yaml(const model::Project& project);
nlohmann::json to_json(const model::Project& project);
// One service as config prints it (also the input of config_hash).
nlohmann::json service_to_json(const model::Service& service);
// Any JSON value as block YAML (strings that would read back as another type are quoted).
std::string json_to_yaml(const nlohmann::json& value);

// For `stack config --services/--volumes/--networks/--images/--profiles`, each sorted.
std::vector<std::string> service_names(const model::Project& project);
std::vector<std::string> volume_names(const model::Project& project);
std::vector<std::string> network_names(const model::Project& project);
// `image`, or "<project>-<service>" for a service that is only built (docker compose v2).
std::vector<std::string> image_names(const model::Project& project);
std::vector<std::string> profile_names(const model::Project& project);

}  // namespace stk::load
