#include "runtime/cgroup/cgroup_values.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "runtime/sys/error.hpp"

namespace stk::runtime {

int64_t cpu_quota_us(double cpus, long online_cpus) {
    if (!(cpus >= 0.01) || cpus > static_cast<double>(online_cpus))
        throw Error(
            fmt::format("cpus {}: must be between 0.01 and the {} online CPUs", cpus, online_cpus));
    return static_cast<int64_t>(std::llround(cpus * static_cast<double>(kCfsPeriodUs)));
}

void check_cpu_shares(uint64_t shares) {
    if (shares < 2 || shares > 262144)
        throw Error(fmt::format("cpu_shares {}: must be between 2 and 262144", shares));
}

uint64_t cpu_shares_to_weight(uint64_t shares) {
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

void check_cpuset_list(const std::string& list, const char* what) {
    // One or more comma-separated "N" or "N-M" items.
    size_t i = 0;
    auto number = [&]() {
        size_t start = i;
        while (i < list.size() && std::isdigit(static_cast<unsigned char>(list[i]))) ++i;
        return i > start;
    };
    bool ok = !list.empty();
    while (ok && i < list.size()) {
        ok = number();
        if (ok && i < list.size() && list[i] == '-') {
            ++i;
            ok = number();
        }
        if (ok && i < list.size()) ok = list[i++] == ',' && i < list.size();
    }
    if (!ok) throw Error(fmt::format("{} \"{}\": expected a list like 0-2,4", what, list));
}

void check_memory(const Resources& r) {
    if (r.memory_limit && *r.memory_limit != -1 && *r.memory_limit < kMinMemoryLimit)
        throw Error(fmt::format("mem_limit {}: the minimum is 6 MiB ({} bytes)", *r.memory_limit,
                                kMinMemoryLimit));
    if (r.memory_swap_limit && *r.memory_swap_limit != -1) {
        if (!r.memory_limit || *r.memory_limit == -1)
            throw Error(fmt::format("memswap_limit {}: needs mem_limit", *r.memory_swap_limit));
        if (*r.memory_swap_limit < *r.memory_limit)
            throw Error(
                fmt::format("memswap_limit {}: below mem_limit {} (it counts memory plus "
                            "swap)",
                            *r.memory_swap_limit, *r.memory_limit));
    }
    if (r.memory_reservation) {
        if (*r.memory_reservation < 0)
            throw Error(fmt::format("mem_reservation {}: negative", *r.memory_reservation));
        if (r.memory_limit && *r.memory_limit != -1 && *r.memory_reservation > *r.memory_limit)
            throw Error(fmt::format("mem_reservation {}: above mem_limit {}", *r.memory_reservation,
                                    *r.memory_limit));
    }
}

std::string pids_max_value(int64_t pids_limit) {
    if (pids_limit <= 0) {
        if (pids_limit == 0 || pids_limit == -1) return "max";
        throw Error(
            fmt::format("pids_limit {}: must be positive, or -1 for unlimited", pids_limit));
    }
    return std::to_string(pids_limit);
}

}  // namespace stk::runtime

namespace stk::runtime {

void check_cgroup_name(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 200 && name != "." && name != ".." &&
              std::none_of(name.begin(), name.end(), [](char c) {
                  return c == '/' || std::iscntrl(static_cast<unsigned char>(c));
              });
    if (!ok) throw Error(fmt::format("invalid cgroup name \"{}\"", name));
}

}  // namespace stk::runtime
