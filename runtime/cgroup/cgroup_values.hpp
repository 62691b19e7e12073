#pragma once
// Pure conversions and checks from Resources to cgroup knob values, shared by both backends.
#include <cstdint>
#include <string>

#include "runtime/spec.hpp"

namespace stk::runtime {

inline constexpr int64_t kCfsPeriodUs = 100000;
inline constexpr int64_t kMinMemoryLimit = 6 << 20;  // docker's minimum

// cpus -> CFS quota in µs for kCfsPeriodUs; Error below 0.01 or above the online CPUs.
int64_t cpu_quota_us(double cpus, long online_cpus);

// cpu.shares (v1, 2..262144) -> cpu.weight (v2, 1..10000) with crun's curve, which maps the
// default 1024 to the default 100: weight = ceil(10^((log2(s)^2 + 125 log2(s)) / 612 - 7/34)).
uint64_t cpu_shares_to_weight(uint64_t shares);
void check_cpu_shares(uint64_t shares);  // Error outside 2..262144

// "0-3,5" style lists; Error quoting `what` and the value otherwise.
void check_cpuset_list(const std::string& list, const char* what);

// mem_limit: -1 (unlimited) or >= 6 MiB; memswap: -1, or >= mem_limit (needs mem_limit);
// reservation: >= 0 and not above mem_limit. Error naming the field and value.
void check_memory(const Resources& r);

// pids_limit: absent, 0 or -1 mean unlimited ("max"); otherwise the number.
std::string pids_max_value(int64_t pids_limit);

}  // namespace stk::runtime

namespace stk::runtime {

// A container cgroup name: one path component, no control characters. Error quoting it.
void check_cgroup_name(const std::string& name);

}  // namespace stk::runtime
