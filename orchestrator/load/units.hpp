#pragma once
// The little languages inside Compose values: durations, byte sizes, port specs, volume short
// specs, device specs, shell words. Each parser throws UnitError with a message that says
// what is wrong and what is expected.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "orchestrator/model/service_parts.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::load {

class UnitError : public std::runtime_error {
public:
    UnitError(const std::string& message, std::string hint)
        : std::runtime_error(message), hint_(std::move(hint)) {}
    const std::string& hint() const { return hint_; }

private:
    std::string hint_;
};

// Go duration syntax as compose uses it: "1h2m3s", "500ms", "1.5s", "0"; units ns us ms s m h.
model::Duration parse_duration(const std::string& text);
// As Go prints durations (compose config does): "1m30s", "1h0m0s", "500ms", "1.5s", "0s".
std::string format_duration(model::Duration d);

// "1024", "64m", "1gb", "1.5GiB", "512 k": binary multiples, like docker's RAMInBytes.
model::Bytes parse_bytes(const std::string& text);

// [HOST_IP:][PUBLISHED[-RANGE]:]TARGET[-RANGE][/PROTO]; IPv6 host ips may be in brackets.
// Container ranges expand to one mapping per port.
std::vector<model::PortMapping> parse_port_spec(const std::string& text);

// SRC:DST[:MODE,...] or DST. SRC starting with '.', '/' or '~' is a bind mount, otherwise a
// named volume; a lone DST is an anonymous volume.
model::VolumeMount parse_volume_spec(const std::string& text);

// HOST[:CONTAINER[:PERMISSIONS]]
model::DeviceMapping parse_device_spec(const std::string& text);

// Splits a command string into words like go-shellwords: quotes and backslashes, no expansion.
std::vector<std::string> shell_split(const std::string& text);

// Integer in [lo, hi] from decimal text; throws UnitError naming `what`.
int64_t parse_int(const std::string& text, const std::string& what, int64_t lo, int64_t hi);

}  // namespace stk::load
