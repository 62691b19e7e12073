#include "runtime/process/timestamp.hpp"

#include <cstdio>
#include <ctime>

namespace stk::runtime {

size_t rfc3339_now(char* buf, size_t size) noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    ::gmtime_r(&ts.tv_sec, &t);
    int n = std::snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", t.tm_year + 1900,
                          t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec);
    return n < 0 ? 0 : static_cast<size_t>(n);
}

std::string rfc3339_now() {
    char buf[64];
    size_t n = rfc3339_now(buf, sizeof buf);
    return std::string(buf, n);
}

}  // namespace stk::runtime
