#pragma once
// The project's events (`stack events`): one JSON object per line in
// `<run_root>/<project>/events.jsonl`, appended by the supervisor as things happen (create,
// start, die, oom, restart, health_status, stop, kill, pause, unpause, destroy). Readers follow
// the file with inotify. The file is a ring of two: past kMaxBytes it moves to events.jsonl.1.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace stk::engine {

struct Event {
    int64_t time_ns = 0;   // Unix nanoseconds
    std::string action;    // docker's names: start, die, "health_status: healthy", ...
    std::string container;
    std::string service;
    std::map<std::string, std::string> attributes;  // exitCode, signal, ...
};

nlohmann::json to_json(const Event& e);  // compose's `events --json` keys
Event event_from_json(const nlohmann::json& j);
// compose's text form: "2024-05-01 10:00:00.123456 container start demo-web-1 (exitCode=0, ...)"
std::string format_event(const Event& e);

std::filesystem::path events_file(const std::string& project);

class EventLog {
public:
    static constexpr uintmax_t kMaxBytes = 4 << 20;
    explicit EventLog(std::filesystem::path file) : file_(std::move(file)) {}
    // Appends one line (time filled in when 0). Never throws: a failure is logged.
    void append(Event e);

private:
    std::filesystem::path file_;
};

}  // namespace stk::engine
