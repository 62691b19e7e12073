#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "orchestrator/supervise/logs/line_splitter.hpp"
#include "orchestrator/supervise/logs/log_prefixer.hpp"
#include "orchestrator/supervise/logs/log_reader.hpp"
#include "orchestrator/supervise/logs/log_writer.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::supervise;
namespace fs = std::filesystem;

namespace {

// A private temp directory removed when the test case ends, passed or failed.
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("stk-logs-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

constexpr LogTime kSec = 1000000000;

}  // namespace

TEST_CASE("logs: prefix padded to the longest name + 1, compose colour rotation") {
    LogPrefixer p;
    p.add("web-1");
    p.add("database-1");
    CHECK(p.width() == 11);
    CHECK(p.format("web-1", "hello") == "\033[36mweb-1       |\033[0m hello\n");
    CHECK(p.format("database-1", "ready") == "\033[33mdatabase-1  |\033[0m ready\n");
    std::vector<std::string> names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
    LogPrefixer r;
    for (auto& n : names) r.add(n);
    CHECK(r.format("c", "x").rfind("\033[32m", 0) == 0);
    CHECK(r.format("e", "x").rfind("\033[34m", 0) == 0);
    CHECK(r.format("f", "x").rfind("\033[36;1m", 0) == 0);
    CHECK(r.format("j", "x").rfind("\033[34;1m", 0) == 0);
    CHECK(r.format("k", "x").rfind("\033[36m", 0) == 0);  // wraps around
    CHECK(r.status_line("a", "exited with code 0") == "\033[36ma exited with code 0\033[0m\n");
}

TEST_CASE("logs: --no-color, -t and --no-log-prefix") {
    LogPrefixer plain(LogFormat{false, true, true});
    plain.add("api-1");
    plain.add("web-1");
    LogTime t = 1796083200 * kSec + 123456789;  // 2026-12-01T00:00:00.123456789Z
    CHECK(plain.format("api-1", "up", t) == "api-1  | 2026-12-01T00:00:00.123456789Z up\n");
    CHECK(plain.format("api-1", "up") == "api-1  | up\n");
    LogPrefixer bare(LogFormat{true, false, false});
    CHECK(bare.format("api-1", "up", t) == "up\n");
}

TEST_CASE("logs: line splitting of partial reads") {
    LineSplitter s;
    CHECK(s.feed("hel").empty());
    CHECK(s.feed("lo\nwor") == std::vector<std::string>{"hello"});
    CHECK(s.feed("ld\r\n\nlast") == std::vector<std::string>{"world", ""});
    CHECK(s.pending() == 4);
    CHECK(s.flush() == std::optional<std::string>("last"));
    CHECK_FALSE(s.flush());
    LineSplitter small(4);
    CHECK(small.feed("abcdefghij\n") == std::vector<std::string>{"abcd", "efgh", "ij"});
    CHECK(small.feed("abcd").empty());
    CHECK(small.pending() == 4);
    CHECK(small.feed("\n") == std::vector<std::string>{"abcd"});
    CHECK(small.feed("abcde") == std::vector<std::string>{"abcd"});
    CHECK(small.pending() == 1);
}

TEST_CASE("logs: timestamps format and parse") {
    CHECK(format_timestamp(0) == "1970-01-01T00:00:00.000000000Z");
    CHECK(format_timestamp(1796083200 * kSec + 5) == "2026-12-01T00:00:00.000000005Z");
    auto t = parse_timestamp("2026-11-29T08:00:00.123456789Z");
    REQUIRE(t);
    CHECK(format_timestamp(*t) == "2026-11-29T08:00:00.123456789Z");
    CHECK(parse_timestamp("2026-11-29T09:00:00.5+01:00") ==
          parse_timestamp("2026-11-29T08:00:00.500Z"));
    CHECK(parse_timestamp("2024-02-29") == parse_timestamp("2024-02-29T00:00:00Z"));
    CHECK(parse_timestamp("2000-03-01T00:00:00Z").value() -
              parse_timestamp("2000-02-28T00:00:00Z").value() ==
          2 * 86400 * kSec);
    CHECK_FALSE(parse_timestamp("2026-13-01"));
    CHECK_FALSE(parse_timestamp("2026-11-29T08:00"));
    CHECK_FALSE(parse_timestamp("2026-11-29T08:00:00Q"));
    CHECK_FALSE(parse_timestamp("yesterday"));
}

TEST_CASE("logs: --since accepts timestamps, Unix times and durations") {
    LogTime now = 2000000000 * kSec;
    CHECK(parse_since("10m", now) == now - 600 * kSec);
    CHECK(parse_since("1h30m", now) == now - 5400 * kSec);
    CHECK(parse_since("1.5s", now) == now - 1500000000);
    CHECK(parse_since("1700000000", now) == 1700000000 * kSec);
    CHECK(parse_since("1700000000.25", now) == 1700000000 * kSec + 250000000);
    CHECK(parse_since("2026-11-29T08:00:00Z", now) == *parse_timestamp("2026-11-29T08:00:00Z"));
    CHECK_THROWS_AS(parse_since("soon", now), stk::Error);
    CHECK_THROWS_AS(parse_since("10x", now), stk::Error);
    CHECK_THROWS_AS(parse_since("17.", now), stk::Error);
}

TEST_CASE("logs: records round-trip, malformed lines are rejected") {
    LogRecord r{1796083200 * kSec + 42, "stderr", "boom: a b  c"};
    std::string line = format_log_record(r);
    CHECK(line == "2026-12-01T00:00:00.000000042Z stderr boom: a b  c\n");
    auto back = parse_log_record(line);
    REQUIRE(back);
    CHECK(back->time == r.time);
    CHECK(back->stream == "stderr");
    CHECK(back->text == r.text);
    auto empty = parse_log_record("2026-12-01T00:00:00.000000042Z stdout ");
    REQUIRE(empty);
    CHECK(empty->text.empty());
    CHECK_FALSE(parse_log_record("garbage"));
    CHECK_FALSE(parse_log_record("notatime stdout x"));
}

TEST_CASE("logs: merge several files in time order with --tail and --since") {
    TempDir dir;
    write(dir.path / "web.log",
          "2026-11-29T08:00:00.100000000Z stdout web a\n"
          "2026-11-29T08:00:00.300000000Z stdout web b\n"
          "not a record\n"
          "2026-11-29T08:00:00.500000000Z stderr web c\n");
    write(dir.path / "db.log",
          "2026-11-29T08:00:00.000000000Z stdout db a\n"
          "2026-11-29T08:00:00.300000000Z stdout db b\n"
          "2026-11-29T08:00:00.400000000Z stdout db c");  // last line without newline
    std::vector<LogSource> sources = {{"web-1", dir.path / "web.log"},
                                      {"db-1", dir.path / "db.log"},
                                      {"gone-1", dir.path / "missing.log"}};
    auto texts = [](const std::vector<MergedLogLine>& lines) {
        std::vector<std::string> out;
        for (auto& l : lines) out.push_back(l.name + ":" + l.record.text);
        return out;
    };
    auto all = read_merged_logs(sources, {});
    CHECK(texts(all) == std::vector<std::string>{"db-1:db a", "web-1:web a", "web-1:web b",
                                                 "db-1:db b", "db-1:db c", "web-1:web c"});
    CHECK(all.back().record.stream == "stderr");

    auto tail = read_merged_logs(sources, {size_t{1}, std::nullopt});
    CHECK(texts(tail) == std::vector<std::string>{"db-1:db c", "web-1:web c"});

    auto since =
        read_merged_logs(sources, {std::nullopt, parse_timestamp("2026-11-29T08:00:00.3Z")});
    CHECK(texts(since) ==
          std::vector<std::string>{"web-1:web b", "db-1:db b", "db-1:db c", "web-1:web c"});

    auto both = read_merged_logs(sources, {size_t{0}, std::nullopt});
    CHECK(both.empty());
}

TEST_CASE("logs: the writer appends timestamped lines per stream and reads back") {
    TempDir dir;
    fs::path file = dir.path / "web-1.log";
    {
        LogFileWriter w(file);
        CHECK(w.write("stdout", "hel", 1 * kSec).empty());
        auto err = w.write("stderr", "oops\npart", 2 * kSec);
        REQUIRE(err.size() == 1);
        CHECK(err[0].text == "oops");
        auto out = w.write("stdout", "lo\nworld\n", 3 * kSec);
        REQUIRE(out.size() == 2);
        CHECK(out[0].text == "hello");
        CHECK(out[0].stream == "stdout");
        auto rest = w.close_stream("stderr", 4 * kSec);
        REQUIRE(rest.size() == 1);
        CHECK(rest[0].text == "part");
        CHECK(w.close_stream("stdout", 5 * kSec).empty());
    }
    LogFileWriter again(file);  // appends, never truncates
    again.write("stdout", "after restart\n", 6 * kSec);
    auto records = read_log_file(file, {});
    REQUIRE(records.size() == 5);
    CHECK(records[0].text == "oops");
    CHECK(records[0].stream == "stderr");
    CHECK(records[1].text == "hello");
    CHECK(records[1].time == 3 * kSec);
    CHECK(records[3].text == "part");
    CHECK(records[4].text == "after restart");
    CHECK_THROWS_AS(LogFileWriter(dir.path / "missing-dir" / "x.log"), stk::SysError);
}
