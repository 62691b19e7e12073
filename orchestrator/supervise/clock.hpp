#pragma once
// The supervisor's notion of time. Scheduling uses the monotonic clock; decisions are pure
// functions of a `now` the caller passes in, so tests drive time by hand.
#include <chrono>

namespace stk::supervise {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::nanoseconds;
using WallTime = std::chrono::system_clock::time_point;

// The wall-clock time of monotonic time `t`, for display and for state on disk.
inline WallTime to_wall(TimePoint t, TimePoint steady_now = Clock::now(),
                        WallTime wall_now = std::chrono::system_clock::now()) {
    return wall_now -
           std::chrono::duration_cast<std::chrono::system_clock::duration>(steady_now - t);
}

}  // namespace stk::supervise
