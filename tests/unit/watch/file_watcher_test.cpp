// FileWatcher: inotify through directories, name filtering, trees, debounce.
#include "orchestrator/watch/file_watcher.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "temp_tree.hpp"

using namespace stk::watch;
using stk::watch::testing::TempTree;
using stk::watch::testing::write_file;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A watcher on a private directory and the batches it delivered.
struct Rig {
    TempTree d{"watch"};
    boost::asio::io_context io;
    std::vector<ChangeBatch> got;
    FileWatcher w;

    explicit Rig(DebounceOptions debounce)
        : w(io, debounce, [this](const ChangeBatch& b) { got.push_back(b); }) {}

    // Runs the loop: `act` first, then until `batches` batches arrived or 3 s passed, then
    // `settle` more (nothing more should come).
    std::vector<ChangeBatch> collect(size_t batches, const std::function<void()>& act,
                                     std::chrono::milliseconds settle = 0ms) {
        got.clear();
        io.restart();
        boost::asio::post(io, act);
        auto deadline = std::chrono::steady_clock::now() + 3s;
        while (got.size() < batches && std::chrono::steady_clock::now() < deadline)
            io.run_for(20ms);
        if (settle.count() > 0) io.run_for(settle);
        return got;
    }
};

}  // namespace

TEST_CASE("file watcher: a file replaced by rename is reported, its neighbours are not") {
    Rig r({20ms, 500ms});
    auto& d = r.d;
    auto& w = r.w;
    write_file(d.path / "compose.yaml", "a");
    write_file(d.path / "other.txt", "x");
    w.watch({{d.path / "compose.yaml"}, {}});
    auto batches = r.collect(
        1,
        [&] {
            write_file(d.path / "other.txt", "y");
            write_file(d.path / ".compose.yaml.swp", "b");
            fs::rename(d.path / ".compose.yaml.swp", d.path / "compose.yaml");
        },
        100ms);
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].paths == std::set<fs::path>{d.path / "compose.yaml"});
    CHECK_FALSE(batches[0].overflow);
}

TEST_CASE("file watcher: writes within the quiet window are one batch - deletion is reported") {
    Rig r({80ms, 2000ms});
    auto& d = r.d;
    auto& w = r.w;
    // Watched before it exists: creating it counts.
    w.watch({{d.path / "a.env", d.path / "b.env"}, {}});
    auto batches = r.collect(
        1,
        [&] {
            write_file(d.path / "a.env", "1");
            write_file(d.path / "b.env", "1");
            write_file(d.path / "a.env", "2");
        },
        200ms);
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].paths == std::set<fs::path>{d.path / "a.env", d.path / "b.env"});

    batches = r.collect(1, [&] { fs::remove(d.path / "b.env"); });
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].paths == std::set<fs::path>{d.path / "b.env"});
}

TEST_CASE("file watcher: a tree reports files in directories created after the watch") {
    Rig r({30ms, 500ms});
    auto& d = r.d;
    auto& w = r.w;
    write_file(d.path / "src/main.txt", "1");
    w.watch({{}, {d.path / "src"}});
    auto batches = r.collect(
        1,
        [&] {
            fs::create_directories(d.path / "src/new/deeper");
            write_file(d.path / "src/new/deeper/x.txt", "x");
            write_file(d.path / "src/main.txt", "2");
        },
        100ms);
    REQUIRE(!batches.empty());
    std::set<fs::path> all;
    for (const auto& b : batches) all.insert(b.paths.begin(), b.paths.end());
    CHECK(all.count(d.path / "src/new/deeper/x.txt") == 1);
    CHECK(all.count(d.path / "src/main.txt") == 1);
    auto dirs = w.watched_directories();
    CHECK(std::find(dirs.begin(), dirs.end(), d.path / "src/new/deeper") != dirs.end());

    batches = r.collect(1, [&] { fs::remove(d.path / "src/new/deeper/x.txt"); });
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].paths.count(d.path / "src/new/deeper/x.txt") == 1);
}

TEST_CASE("file watcher: watch() replaces the set - a continuous stream still delivers") {
    Rig r({50ms, 150ms});
    auto& d = r.d;
    auto& w = r.w;
    write_file(d.path / "one/a.yaml", "1");
    write_file(d.path / "two/b.yaml", "1");
    w.watch({{d.path / "one/a.yaml"}, {}});
    w.watch({{d.path / "two/b.yaml"}, {}});
    CHECK(w.watched_directories() == std::vector<fs::path>{d.path / "two"});

    // A write every 20 ms never leaves a 50 ms quiet window: max_delay cuts a batch anyway.
    boost::asio::steady_timer tick(r.io);
    int left = 30;
    std::function<void()> step = [&] {
        write_file(d.path / "one/a.yaml", "x");  // not watched any more
        write_file(d.path / "two/b.yaml", std::to_string(left));
        if (--left > 0) {
            tick.expires_after(20ms);
            tick.async_wait([&](const boost::system::error_code&) { step(); });
        }
    };
    auto batches = r.collect(1, step);
    REQUIRE(batches.size() >= 1);
    CHECK(batches[0].paths == std::set<fs::path>{d.path / "two/b.yaml"});
    CHECK(left > 0);  // delivered while the writes were still going on
    r.io.run_for(100ms);
}
