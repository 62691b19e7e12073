#include "orchestrator/supervise/logs/log_reader.hpp"

#include <queue>
#include <tuple>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::supervise {

std::vector<LogRecord> read_log_file(const std::filesystem::path& file,
                                     const LogReadOptions& options) {
    std::vector<LogRecord> records;
    auto content =
        with_context("read log of " + file.string(), [&] { return read_file_if_exists(file); });
    if (!content) return records;
    std::string_view rest = *content;
    while (!rest.empty()) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        auto record = parse_log_record(line);
        if (!record) continue;
        if (options.since && record->time < *options.since) continue;
        records.push_back(std::move(*record));
    }
    if (options.tail && records.size() > *options.tail)
        records.erase(records.begin(), records.end() - static_cast<ptrdiff_t>(*options.tail));
    return records;
}

std::vector<MergedLogLine> read_merged_logs(const std::vector<LogSource>& sources,
                                            const LogReadOptions& options) {
    std::vector<std::vector<LogRecord>> per_source;
    size_t total = 0;
    for (const auto& s : sources) {
        per_source.push_back(read_log_file(s.file, options));
        total += per_source.back().size();
    }
    // k-way merge; the key (time, source, position) makes ties stable.
    using Key = std::tuple<LogTime, size_t, size_t>;
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap;
    for (size_t i = 0; i < per_source.size(); ++i)
        if (!per_source[i].empty()) heap.emplace(per_source[i][0].time, i, 0);
    std::vector<MergedLogLine> merged;
    merged.reserve(total);
    while (!heap.empty()) {
        auto [time, src, pos] = heap.top();
        heap.pop();
        merged.push_back({sources[src].name, std::move(per_source[src][pos])});
        if (pos + 1 < per_source[src].size())
            heap.emplace(per_source[src][pos + 1].time, src, pos + 1);
    }
    return merged;
}

}  // namespace stk::supervise
