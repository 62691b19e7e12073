#pragma once
// Checks across the typed model: references between services and to top-level resources,
// container_name with several replicas, published host ports used twice.
#include "orchestrator/load/decode_reader.hpp"
#include "orchestrator/model/project.hpp"

namespace stk::load {

// Adds one error per problem, located through `locations` (field path -> file:line:col).
void validate_project(const model::Project& project, const LocationIndex& locations,
                      Diagnostics& diags);

}  // namespace stk::load
