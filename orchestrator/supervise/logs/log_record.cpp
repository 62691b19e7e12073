#include "orchestrator/supervise/logs/log_record.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

#include "runtime/sys/error.hpp"

namespace stk::supervise {

namespace {

constexpr int64_t kNsPerSec = 1000000000;

// Days since 1970-01-01 of a proleptic Gregorian date (the classic era-based algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
    int64_t year;
    unsigned month, day;
};

Civil civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, size_t& pos, size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::string format_timestamp(LogTime time) {
    int64_t secs = time >= 0 ? time / kNsPerSec : (time - kNsPerSec + 1) / kNsPerSec;
    int64_t frac = time - secs * kNsPerSec;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    Civil c = civil_from_days(days);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", c.year, c.month, c.day,
                       rem / 3600, rem / 60 % 60, rem % 60, frac);
}

std::optional<LogTime> parse_timestamp(std::string_view s) {
    size_t pos = 0;
    auto year = digits(s, pos, 4);
    if (!year || !expect(s, pos, '-')) return std::nullopt;
    auto month = digits(s, pos, 2);
    if (!month || !expect(s, pos, '-')) return std::nullopt;
    auto day = digits(s, pos, 2);
    if (!day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
    int64_t secs =
        days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400;
    int64_t frac = 0;
    if (pos < s.size()) {
        if (!expect(s, pos, 'T') && !expect(s, pos, 't')) return std::nullopt;
        auto h = digits(s, pos, 2);
        if (!h || !expect(s, pos, ':')) return std::nullopt;
        auto mi = digits(s, pos, 2);
        if (!mi || !expect(s, pos, ':')) return std::nullopt;
        auto se = digits(s, pos, 2);
        if (!se || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
        secs += *h * 3600 + *mi * 60 + *se;
        if (expect(s, pos, '.')) {
            int n = 0;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                if (n < 9) frac = frac * 10 + (s[pos] - '0'), ++n;
                ++pos;
            }
            if (n == 0) return std::nullopt;
            for (; n < 9; ++n) frac *= 10;
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' || s[pos] == 'z') {
                ++pos;
            } else if (s[pos] == '+' || s[pos] == '-') {
                int sign = s[pos] == '+' ? 1 : -1;
                ++pos;
                auto oh = digits(s, pos, 2);
                if (!oh || !expect(s, pos, ':')) return std::nullopt;
                auto om = digits(s, pos, 2);
                if (!om) return std::nullopt;
                secs -= sign * (*oh * 3600 + *om * 60);
            } else {
                return std::nullopt;
            }
        }
    }
    if (pos != s.size()) return std::nullopt;
    return secs * kNsPerSec + frac;
}

std::optional<int64_t> parse_go_duration_ns(std::string_view s) {
    if (s.empty()) return std::nullopt;
    bool negative = false;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return 0;
    if (s.empty()) return std::nullopt;
    long double total = 0;
    while (!s.empty()) {
        size_t i = 0;
        long double value = 0;
        bool any = false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            value = value * 10 + (s[i++] - '0'), any = true;
        if (i < s.size() && s[i] == '.') {
            ++i;
            long double scale = 0.1L;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
                value += (s[i++] - '0') * scale, scale /= 10, any = true;
        }
        if (!any) return std::nullopt;
        size_t u = i;
        while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
        std::string_view unit = s.substr(i, u - i);
        long double mult;
        if (unit == "ns")
            mult = 1;
        else if (unit == "us" || unit == "µs")
            mult = 1e3L;
        else if (unit == "ms")
            mult = 1e6L;
        else if (unit == "s")
            mult = 1e9L;
        else if (unit == "m")
            mult = 60e9L;
        else if (unit == "h")
            mult = 3600e9L;
        else
            return std::nullopt;
        total += value * mult;
        s.remove_prefix(u);
    }
    auto ns = static_cast<int64_t>(total + 0.5L);
    return negative ? -ns : ns;
}

LogTime parse_since(std::string_view text, LogTime now) {
    if (auto t = parse_timestamp(text)) return *t;
    if (auto d = parse_go_duration_ns(text)) return now - *d;
    // A Unix time: seconds with an optional fraction.
    size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    auto all_digits = [](std::string_view v) {
        for (char c : v)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        return true;
    };
    if (!whole.empty() && whole.size() <= 12 && all_digits(whole) && all_digits(frac) &&
        frac.size() <= 9 && (dot == std::string_view::npos || !frac.empty())) {
        int64_t secs = std::stoll(std::string(whole));
        int64_t f = frac.empty() ? 0 : std::stoll(std::string(frac));
        for (size_t n = frac.size(); n < 9; ++n) f *= 10;
        return secs * kNsPerSec + f;
    }
    throw Error(
        fmt::format("invalid --since value \"{}\": expected a timestamp "
                    "(2026-11-29T08:00:00Z), a Unix time or a duration (10m)",
                    text));
}

std::string format_log_record(const LogRecord& record) {
    return fmt::format("{} {} {}\n", format_timestamp(record.time), record.stream, record.text);
}

std::optional<LogRecord> parse_log_record(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return std::nullopt;
    size_t sp2 = line.find(' ', sp1 + 1);
    auto time = parse_timestamp(line.substr(0, sp1));
    if (!time) return std::nullopt;
    LogRecord r;
    r.time = *time;
    if (sp2 == std::string_view::npos) {
        r.stream = std::string(line.substr(sp1 + 1));
    } else {
        r.stream = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
        r.text = std::string(line.substr(sp2 + 1));
    }
    if (r.stream.empty()) return std::nullopt;
    return r;
}

LogTime log_time_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace stk::supervise
