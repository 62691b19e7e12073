#pragma once
// The image configuration (OCI image-spec config.json; docker's is the same with extra keys,
// which are kept when present: Healthcheck, Shell, OnBuild). Field names follow the spec.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stk::image {

// docker's Healthcheck: Test is ["NONE"], ["CMD", args...] or ["CMD-SHELL", command];
// durations in nanoseconds, 0 / absent meaning "inherit the default".
struct ImageHealthcheck {
    std::vector<std::string> test;
    std::optional<std::chrono::nanoseconds> interval;
    std::optional<std::chrono::nanoseconds> timeout;
    std::optional<std::chrono::nanoseconds> start_period;
    std::optional<std::chrono::nanoseconds> start_interval;
    std::optional<int> retries;
    bool operator==(const ImageHealthcheck&) const = default;
};

struct HistoryEntry {
    std::string created;     // RFC 3339
    std::string created_by;
    std::string author;
    std::string comment;
    bool empty_layer = false;
    bool operator==(const HistoryEntry&) const = default;
};

struct OciImageConfig {
    std::string architecture = "amd64";
    std::string os = "linux";
    std::string variant;
    std::string created;  // RFC 3339, "" when unknown
    std::string author;

    // config.* (the runtime defaults of a container). Entrypoint/Cmd: absent and [] differ
    // in docker only when building; both mean "none" when running.
    std::string user;
    std::vector<std::string> exposed_ports;  // "80/tcp", "53/udp"
    std::vector<std::string> env;            // "KEY=VALUE", in order
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::vector<std::string>> cmd;
    std::vector<std::string> volumes;        // absolute paths
    std::string working_dir;
    std::map<std::string, std::string> labels;
    std::string stop_signal;                 // "SIGQUIT", "15", ... "" = default
    std::optional<ImageHealthcheck> healthcheck;
    std::vector<std::string> shell;          // docker's SHELL, [] = default
    std::vector<std::string> on_build;

    std::vector<std::string> diff_ids;       // rootfs.diff_ids, "sha256:...", base layer first
    std::vector<HistoryEntry> history;

    bool operator==(const OciImageConfig&) const = default;
};

// Throws Error naming the field that has the wrong type. Unknown keys are ignored.
OciImageConfig parse_image_config(std::string_view json);

// Canonical JSON (spec key names, keys sorted): what the builder stores as the config blob.
std::string to_json(const OciImageConfig& config);

}  // namespace stk::image
