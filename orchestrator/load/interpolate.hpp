#pragma once
// Variable substitution as compose-go's template package does it: $VAR, ${VAR}, ${VAR:-d},
// ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a}, ${VAR+a}, nesting inside the default/alternative
// parts (evaluated only when used) and $$ for a literal $.
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/load/options.hpp"
#include "orchestrator/load/tree.hpp"

namespace stk::load {

using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

// The text is not a valid template ("${", "${A:x}", "$(" ...).
struct InvalidTemplate : std::runtime_error {
    InvalidTemplate() : std::runtime_error("invalid interpolation format") {}
};

// ${VAR:?err} / ${VAR?err} with VAR missing. what(): "required variable VAR is missing a value: err"
struct MissingRequired : std::runtime_error {
    explicit MissingRequired(const std::string& msg) : std::runtime_error(msg) {}
};

// Substitutes every variable of `text`. Names of variables that were needed but unset (and not
// covered by a default) are added to `unset`. Throws InvalidTemplate or MissingRequired.
std::string substitute(std::string_view text, const VariableLookup& lookup,
                       std::set<std::string>& unset);

// Interpolates every scalar value (never keys) of `root` against `env`. Syntax and required
// errors go to `diags` with the scalar's location; each unset variable gives one warning
// (variables already in `warned` are not reported again, and are added to it).
void interpolate_tree(Node& root, const Environment& env, Diagnostics& diags,
                      std::set<std::string>& warned);

}  // namespace stk::load
