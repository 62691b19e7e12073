#pragma once
// One step of a long operation, as docker compose shows it: "Container p-db-1  Healthy".
#include <optional>
#include <string>
#include <string_view>

namespace stk::cli::output {

struct ProgressEvent {
    std::string kind;    // Container, Network, Volume, Service
    std::string name;
    std::string state;   // Creating, Created, Starting, Started, Waiting, Healthy, ...
    std::string detail;  // after "State: " (an error, a skip reason), may be empty
};

// Parses the supervisor's and teardown's lines ("Container p-db-1  Started",
// "Service web  Skipped: reason"); nullopt for any other line (a warning).
std::optional<ProgressEvent> parse_progress_line(std::string_view line);

// The line form, as plain output and the engine's lines write it.
std::string progress_line(const ProgressEvent& e);

// A state after which nothing more is expected for this object (a check mark on a terminal).
bool is_settled_state(std::string_view state);
bool is_error_state(std::string_view state);

}  // namespace stk::cli::output
