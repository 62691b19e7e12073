#include "orchestrator/supervise/health/probe_result.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace stk::supervise {

namespace {

// A duration the way Go's time.Duration.String() prints it ("30s", "1m30s", "500ms", "1.5s"),
// since docker's timeout message quotes it that way.
std::string go_duration(Duration d) {
    int64_t ns = d.count();
    if (ns == 0) return "0s";
    std::string sign = ns < 0 ? "-" : "";
    uint64_t u = ns < 0 ? static_cast<uint64_t>(-ns) : static_cast<uint64_t>(ns);
    auto fraction = [](uint64_t value, uint64_t unit) {
        std::string digits = fmt::format("{}", value % unit);
        size_t width = fmt::format("{}", unit).size() - 1;
        digits.insert(0, width - digits.size(), '0');
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        return fmt::format("{}{}", value / unit, digits.empty() ? "" : "." + digits);
    };
    if (u < 1000) return fmt::format("{}{}ns", sign, u);
    if (u < 1000000) return sign + fraction(u, 1000) + "µs";
    if (u < 1000000000) return sign + fraction(u, 1000000) + "ms";
    uint64_t hours = u / 3600000000000ULL;
    uint64_t minutes = (u / 60000000000ULL) % 60;
    std::string secs = fraction(u % 60000000000ULL, 1000000000ULL) + "s";
    if (hours > 0) return fmt::format("{}{}h{}m{}", sign, hours, minutes, secs);
    if (minutes > 0) return fmt::format("{}{}m{}", sign, minutes, secs);
    return sign + secs;
}

}  // namespace

std::string truncate_probe_output(std::string_view output) {
    if (output.size() <= kMaxProbeOutput) return std::string(output);
    std::string cut(output.substr(0, kMaxProbeOutput));
    cut += "...";
    return cut;
}

ProbeResult timeout_result(TimePoint start, TimePoint end, Duration timeout) {
    return ProbeResult{start, end, kProbeErrorExit,
                       fmt::format("Health check exceeded timeout ({})", go_duration(timeout))};
}

}  // namespace stk::supervise
