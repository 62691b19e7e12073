#pragma once
// The supervisor's control socket: JSON lines over a Unix stream socket at
// `<run_root>/<project>/control.sock` (mode 0600). One request per connection: the client
// writes one JSON object and a newline, the supervisor answers with one JSON object and a
// newline, then closes. Before the answer, long operations (start_services, stop_services,
// restart_services, down, stop) send one {"progress":"Container p-db-1  Stopping"} line per
// step as it happens; the answer's "lines" then repeat the outcome for clients that ignore them.
//
// Requests ("op"):
//   {"op":"ps"}                                  -> {"ok":true,"state":<ProjectState JSON>}
//   {"op":"down","timeout_ms":N,"volumes":bool,"remove_orphans":bool}
//                                                -> {"ok":true} once everything is removed
//                                                   (the supervisor then exits)
//   {"op":"stop","timeout_ms":N}                 -> {"ok":true} once every container stopped
//   {"op":"converge","load":{...},"up":{...}}    -> {"ok":true,"lines":[...]} once the new
//                                                   config is running (second `stack up`)
//   {"op":"restart","services":[...],"timeout_ms":N}
//                                                -> {"ok":true,"lines":[...]} once every
//                                                   container of the services was stopped
//                                                   and started again (same configuration)
//   start_services, stop_services, restart_services, kill, pause, unpause, rm, wait,
//   run_prepare, run_release: the everyday commands (engine/supervisor_commands.cpp).
// Errors: {"ok":false,"error":"text"}.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/load/options.hpp"
#include "orchestrator/plan/up_options.hpp"

namespace stk::engine {

// `<run_root>/<project>/control.sock`
std::filesystem::path control_socket_path(const std::string& project);

// What `up` asks for beyond the stack file (also what `converge` carries): the plan's
// selection and recreate flags, and how the supervisor carries them out.
struct UpOptions : plan::UpOptions {
    bool wait = false;                               // --wait: healthy, not just started
    std::optional<std::chrono::milliseconds> wait_timeout;
    std::optional<std::chrono::milliseconds> timeout;  // -t: stop grace for recreate
    int parallel = 0;                                // 0: no cap
    bool only_selected = false;  // `services` is the selection even when empty (`run`)
};

void to_json(nlohmann::json& j, const UpOptions& v);
void from_json(const nlohmann::json& j, UpOptions& v);

// Only the fields that travel (shell_env and working_dir are the client's, sent as-is).
nlohmann::json load_options_to_json(const load::LoadOptions& o);
load::LoadOptions load_options_from_json(const nlohmann::json& j);

nlohmann::json ok_reply(nlohmann::json extra = nlohmann::json::object());
nlohmann::json error_reply(const std::string& error);

// Sends one request and waits for the reply (no deadline when `timeout` is nullopt), calling
// `on_progress` with each progress line before it. nullopt when no supervisor listens (no
// socket, or connection refused: a stale socket). Throws Error when the connection breaks
// mid-way or the reply is not JSON.
std::optional<nlohmann::json> send_control_request(
    const std::string& project, const nlohmann::json& request,
    std::optional<std::chrono::milliseconds> timeout = std::nullopt,
    const std::function<void(const std::string&)>& on_progress = {});

}  // namespace stk::engine
