#include "orchestrator/supervise/state/state_store.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "orchestrator/supervise/state/health_snapshot.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::supervise;
namespace fs = std::filesystem;

namespace {

struct TempRunRoot {
    fs::path path;
    TempRunRoot() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("stk-state-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
        fs::create_directories(path);
    }
    ~TempRunRoot() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

ContainerRecord sample_container() {
    ContainerRecord c;
    c.name = "demo-web-1";
    c.service = "web";
    c.index = 1;
    c.config_hash = "abc123";
    c.pid = 4242;
    c.pid_start_time = 987654;
    c.status = "running";
    c.exit_code = 137;
    c.restart_count = 2;
    c.manually_stopped = true;
    c.started_at = 1796083200000000000;
    c.finished_at = 1796083201000000000;
    c.health = HealthRecord{"unhealthy", 3, {{1, 2, 1, "boom"}, {3, 4, -1, "timeout"}}};
    c.addresses = {{"demo_default", "10.89.0.2"}};
    c.ports = {{"0.0.0.0", 8080, 80, "tcp"}};
    c.netns = {"stk-demo-web-1"};
    return c;
}

}  // namespace

TEST_CASE("state: a project round-trips through state.json") {
    TempRunRoot root;
    StateStore store(root.path, "demo");
    CHECK_FALSE(store.load());
    ProjectState s;
    s.project = "demo";
    s.working_dir = "/srv/demo";
    s.config_files = {"/srv/demo/compose.yaml"};
    s.supervisor_pid = 77;
    s.networks = {"demo_default"};
    s.containers.push_back(sample_container());
    ContainerRecord db;
    db.name = "demo-db-1";
    db.service = "db";
    s.containers.push_back(db);
    store.save(s);
    CHECK(fs::exists(root.path / "demo" / "state.json"));

    auto back = store.load();
    REQUIRE(back);
    CHECK(back->working_dir == "/srv/demo");
    CHECK(back->supervisor_pid == 77);
    REQUIRE(back->containers.size() == 2);
    const ContainerRecord& w = back->containers[0];
    ContainerRecord want = sample_container();
    CHECK(w.name == want.name);
    CHECK(w.config_hash == want.config_hash);
    CHECK(w.pid_start_time == want.pid_start_time);
    CHECK(w.exit_code == 137);
    CHECK(w.restart_count == 2);
    CHECK(w.manually_stopped);
    CHECK(w.started_at == want.started_at);
    REQUIRE(w.health);
    CHECK(w.health->status == "unhealthy");
    REQUIRE(w.health->log.size() == 2);
    CHECK(w.health->log[1].output == "timeout");
    CHECK(w.health->log[1].exit_code == -1);
    CHECK(w.addresses.at("demo_default") == "10.89.0.2");
    REQUIRE(w.ports.size() == 1);
    CHECK(w.ports[0].host_port == 8080);
    CHECK(w.netns == want.netns);
    const ContainerRecord* d = back->find("demo-db-1");
    REQUIRE(d);
    CHECK_FALSE(d->exit_code);
    CHECK_FALSE(d->health);
    CHECK(d->status == "created");
    CHECK(status_summary(*back) == "created(1), running(1)");
}

TEST_CASE("state: update is a locked read-modify-write across writers") {
    TempRunRoot root;
    constexpr int kWriters = 4, kEach = 25;
    std::vector<std::thread> threads;
    for (int t = 0; t < kWriters; ++t)
        threads.emplace_back([&] {
            StateStore store(root.path, "race");  // own fd, own lock description
            for (int i = 0; i < kEach; ++i)
                store.update([](ProjectState& s) { s.upsert("race-app-1").restart_count++; });
        });
    for (auto& th : threads) th.join();
    // A second process too: flock serializes across processes as well.
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        StateStore store(root.path, "race");
        for (int i = 0; i < kEach; ++i)
            store.update([](ProjectState& s) { s.upsert("race-app-1").restart_count++; });
        _exit(0);
    }
    StateStore store(root.path, "race");
    for (int i = 0; i < kEach; ++i)
        store.update([](ProjectState& s) { s.upsert("race-app-1").restart_count++; });
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    auto s = store.load();
    REQUIRE(s);
    CHECK(s->project == "race");
    REQUIRE(s->containers.size() == 1);
    CHECK(s->containers[0].restart_count == (kWriters + 2) * kEach);
}

TEST_CASE("state: ls enumerates projects, remove is idempotent") {
    TempRunRoot root;
    CHECK(list_projects(root.path / "nothing-here").empty());
    StateStore b(root.path, "beta");
    StateStore a(root.path, "alpha");
    b.update([](ProjectState&) {});
    a.update([](ProjectState& s) { s.upsert("alpha-x-1").status = "exited"; });
    fs::create_directories(root.path / "no-state");
    fs::create_directories(root.path / "Bad Name");
    std::ofstream(root.path / "Bad Name" / "state.json") << "{}";
    CHECK(list_projects(root.path) == std::vector<std::string>{"alpha", "beta"});
    b.remove();
    b.remove();
    CHECK(list_projects(root.path) == std::vector<std::string>{"alpha"});
    CHECK(a.load()->containers.at(0).status == "exited");
}

TEST_CASE("state: bad names and corrupt files are errors with context") {
    TempRunRoot root;
    CHECK_THROWS_AS(StateStore(root.path, "../etc"), stk::Error);
    CHECK_THROWS_AS(StateStore(root.path, "Upper"), stk::Error);
    CHECK_THROWS_AS(StateStore(root.path, "-dash"), stk::Error);
    CHECK(valid_project_name("my_app-2"));
    StateStore store(root.path, "broken");
    fs::create_directories(store.dir());
    std::ofstream(store.state_file()) << "{ not json";
    try {
        store.load();
        FAIL("expected an error");
    } catch (const stk::Error& e) {
        std::string what = e.what();
        CHECK(what.find("load state of project \"broken\"") == 0);
        CHECK(what.find("state.json") != std::string::npos);
    }
    ProjectState s;
    CHECK_FALSE(s.erase("x"));
    s.upsert("x");
    s.upsert("x");
    CHECK(s.containers.size() == 1);
    CHECK(s.erase("x"));
}

TEST_CASE("state: process identity tells a live process from a reused pid") {
    auto self = process_start_time(getpid());
    REQUIRE(self);
    CHECK(process_alive(getpid(), *self));
    CHECK_FALSE(process_alive(getpid(), *self + 1));
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) _exit(0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK_FALSE(process_start_time(child));
    CHECK_FALSE(process_start_time(0));
}

TEST_CASE("state: a health snapshot converts probe times to Unix time") {
    HealthConfig cfg;
    cfg.test = HealthTest{HealthTestKind::Cmd, {"true"}};
    cfg.interval = std::chrono::seconds(1);
    cfg.fast_probes = false;
    TimePoint t0 = TimePoint{} + std::chrono::hours(5);
    HealthMonitor m(cfg, t0);
    TimePoint s = m.next_probe_at();
    m.record(ProbeResult{s, s + std::chrono::milliseconds(2), 0, "fine"});
    TimePoint now = t0 + std::chrono::seconds(10);
    int64_t wall_now = 1796083200000000000;
    HealthRecord h = health_snapshot(m, now, wall_now);
    CHECK(h.status == "healthy");
    CHECK(h.failing_streak == 0);
    REQUIRE(h.log.size() == 1);
    CHECK(h.log[0].start == wall_now - 9000000000);
    CHECK(h.log[0].end == wall_now - 8998000000);
    CHECK(h.log[0].output == "fine");
}
