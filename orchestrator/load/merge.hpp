#pragma once
// compose-go's merge of one stack tree onto another: mappings merge recursively, sequences
// append, scalars replace, with the special rules per field (command/entrypoint/healthcheck.test
// replace; environment, labels, extra_hosts, sysctls, ... merge by key; ports, volumes, secrets,
// configs, devices merge by their key) and the !reset / !override tags.
#include <string>

#include "orchestrator/load/tree.hpp"

namespace stk::load {

// Merges two top-level stack trees (or two documents of one file): `over` wins.
Node merge_documents(const Node& base, const Node& over);

// Merges the service `over` onto `base` (extends), both named `name`.
Node merge_service(const Node& base, const Node& over, const std::string& name);

// Drops entries tagged !reset and clears !reset / !override tags (for a tree that is not merged
// onto anything: the first file).
void apply_tags_alone(Node& root);

// Removes duplicates of list fields that compose keeps unique (ports by host ip, published port,
// target and protocol; volumes and devices by target; secrets/configs by target; key=value
// lists by key; plain lists by value). A later entry replaces an earlier one in its place.
void enforce_unicity(Node& root);

// The merge key of one `ports` entry (short or long form): "host_ip|published|target|proto".
std::string port_key(const Node& port);
// The container path of one `volumes` entry (short or long form).
std::string volume_target(const Node& volume);

}  // namespace stk::load
