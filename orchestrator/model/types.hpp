#pragma once
// Small value types shared by the stack model.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stk::model {

using Duration = std::chrono::nanoseconds;
using Bytes = int64_t;
using StringMap = std::map<std::string, std::string>;
// A value of null means "unset" (environment: remove the variable; build args: take it from
// the environment).
using OptionalStringMap = std::map<std::string, std::optional<std::string>>;
// x-* keys, kept as JSON.
using Extensions = std::map<std::string, nlohmann::json>;

}  // namespace stk::model
