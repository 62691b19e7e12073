#include "orchestrator/engine/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::engine {
namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "2024-05-01T10:00:00.123456789Z" (utc = true) or local "2024-05-01 10:00:00.123456".
std::string format_time(int64_t ns, bool rfc3339) {
    std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    if (rfc3339) ::gmtime_r(&secs, &tm);
    else ::localtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, rfc3339 ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
    int64_t frac = ns % 1'000'000'000;
    if (rfc3339) return fmt::format("{}.{:09}Z", buf, frac);
    return fmt::format("{}.{:06}", buf, frac / 1000);
}

}  // namespace

nlohmann::json to_json(const Event& e) {
    nlohmann::json attrs = e.attributes;
    attrs["name"] = e.container;
    return nlohmann::json{{"time", format_time(e.time_ns, true)},
                          {"timeNano", e.time_ns},
                          {"type", "container"},
                          {"action", e.action},
                          {"id", e.container},
                          {"service", e.service},
                          {"attributes", attrs}};
}

Event event_from_json(const nlohmann::json& j) {
    Event e;
    e.time_ns = j.value("timeNano", int64_t{0});
    e.action = j.value("action", "");
    e.container = j.value("id", "");
    e.service = j.value("service", "");
    if (j.contains("attributes") && j["attributes"].is_object())
        for (const auto& [k, v] : j["attributes"].items())
            if (k != "name" && v.is_string()) e.attributes[k] = v.get<std::string>();
    return e;
}

std::string format_event(const Event& e) {
    std::string attrs = "name=" + e.container;
    for (const auto& [k, v] : e.attributes) attrs += fmt::format(", {}={}", k, v);
    return fmt::format("{} container {} {} ({})", format_time(e.time_ns, false), e.action,
                       e.container, attrs);
}

std::filesystem::path events_file(const std::string& project) {
    return run_root() / project / "events.jsonl";
}

void EventLog::append(Event e) {
    if (e.time_ns == 0) e.time_ns = now_ns();
    try {
        std::error_code ec;
        if (std::filesystem::file_size(file_, ec) > kMaxBytes && !ec)
            std::filesystem::rename(file_, file_.string() + ".1", ec);
        UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) throw std::system_error(errno, std::generic_category(), "open " + file_.string());
        std::string line = to_json(e).dump() + "\n";
        // O_APPEND and one write: readers never see half a line from us.
        if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw std::system_error(errno, std::generic_category(), "write " + file_.string());
    } catch (const std::exception& ex) {
        spdlog::warn("record event {} of \"{}\": {}", e.action, e.container, ex.what());
    }
}

}  // namespace stk::engine
