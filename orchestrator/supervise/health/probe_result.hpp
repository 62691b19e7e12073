#pragma once
// One probe's outcome, as docker keeps it in its health log.
#include <cstddef>
#include <string>
#include <string_view>

#include "orchestrator/supervise/clock.hpp"

namespace stk::supervise {

inline constexpr size_t kMaxProbeOutput = 4096;  // moby maxOutputLen
inline constexpr int kProbeErrorExit = -1;       // probe could not run or timed out

struct ProbeResult {
    TimePoint start;
    TimePoint end;
    int exit_code = kProbeErrorExit;  // 0 healthy, anything else a failure
    std::string output;

    bool ok() const { return exit_code == 0; }
};

// Output as docker stores it: the first 4096 bytes, with "..." appended when cut.
std::string truncate_probe_output(std::string_view output);

// The result docker records when a probe outlives its timeout.
ProbeResult timeout_result(TimePoint start, TimePoint end, Duration timeout);

}  // namespace stk::supervise
