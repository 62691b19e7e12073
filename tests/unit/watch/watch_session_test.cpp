// WatchSession against a recording fake target: what a save leads to (nothing, a converge, a
// restart), without containers or root.
#include "orchestrator/watch/watch_session.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <regex>

#include "orchestrator/load/hash.hpp"
#include "temp_tree.hpp"

using namespace stk::watch;
using stk::watch::testing::TempTree;
using stk::watch::testing::write_file;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Pretends to run the project it was last converged to, one live container per service.
class FakeTarget : public WatchTarget {
public:
    explicit FakeTarget(const stk::load::LoadedProject& p) { adopt(p.project); }

    stk::plan::Observed observe() override {
        stk::plan::Observed o;
        o.state = stk::supervise::ProjectState{};
        o.state->project = project_;
        for (const auto& [service, hash] : running_) {
            stk::supervise::ContainerRecord r;
            r.name = project_ + "-" + service + "-1";
            r.service = service;
            r.config_hash = hash;
            r.status = "running";
            r.pid = ::getpid();
            o.state->containers.push_back(r);
            o.alive.insert(r.name);
        }
        return o;
    }
    void converge(const stk::load::LoadOptions&, stk::load::LoadedProject loaded,
                  const stk::engine::UpOptions& up, StepDone done) override {
        converges.push_back(up);
        adopt(loaded.project);
        done(StepResult{true, "", {"Container x  Recreated"}});
    }
    void restart(const std::string& service, StepDone done) override {
        restarts.push_back(service);
        done(StepResult{});
    }
    std::vector<std::pair<std::string, pid_t>> running(const std::string&) override {
        return {};  // no container: a sync has nowhere to go
    }

    std::vector<stk::engine::UpOptions> converges;
    std::vector<std::string> restarts;

private:
    void adopt(const stk::model::Project& p) {
        project_ = p.name;
        running_.clear();
        for (const auto& s : p.services) running_[s.name] = stk::load::config_hash(s);
    }
    std::string project_;
    std::map<std::string, std::string> running_;
};

struct Rig {
    TempTree dir{"session"};
    boost::asio::io_context io;
    std::vector<std::string> lines;
    std::optional<stk::load::LoadedProject> loaded;
    std::unique_ptr<FakeTarget> target;
    std::unique_ptr<WatchSession> session;

    explicit Rig(const std::string& yaml, const std::vector<std::string>& dirs = {}) {
        for (const auto& d : dirs) fs::create_directories(dir.path / d);
        save(yaml);
        stk::load::LoadOptions o = options();
        loaded = stk::load::load_project(o);
        target = std::make_unique<FakeTarget>(*loaded);
        WatchSessionOptions wo;
        wo.load = o;
        wo.debounce = {20ms, 500ms};
        wo.print = [this](const std::string& l) { lines.push_back(l); };
        session = std::make_unique<WatchSession>(io, wo, *target, *loaded);
        session->start();
    }

    stk::load::LoadOptions options() const {
        stk::load::LoadOptions o;
        o.files = {(dir.path / "compose.yaml").string()};
        o.working_dir = dir.path;
        o.project_name = "demo";
        o.shell_env_from_process = false;
        return o;
    }

    // An editor's save.
    void save(const std::string& yaml, const std::string& name = "compose.yaml") const {
        write_file(dir.path / (".tmp-" + name), yaml);
        fs::rename(dir.path / (".tmp-" + name), dir.path / name);
    }

    size_t count(const std::string& what) const {
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.find(what) != std::string::npos;
        });
    }

    // Runs the loop until `n` lines contain `what` (3 s at most), then `settle` more.
    bool await(const std::string& what, size_t n, std::chrono::milliseconds settle = 0ms) {
        auto end = std::chrono::steady_clock::now() + 3s;
        while (count(what) < n && std::chrono::steady_clock::now() < end) io.run_for(10ms);
        if (settle.count() > 0) io.run_for(settle);
        return count(what) >= n;
    }

    std::string all() const {
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    }
};

const char* kTwo =
    "services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n    environment: {V: '1'}\n";

}  // namespace

TEST_CASE("watch session: a broken save converges nothing - the fix converges what changed") {
    Rig r(kTwo);
    r.save("services:\n  a:\n    image: busybox\n  b:\n    image: [busybox\n");
    REQUIRE(r.await("watch: not applied", 1));
    INFO(r.all());
    CHECK(r.target->converges.empty());
    std::smatch m;
    std::string text = r.all();
    CHECK(std::regex_search(text, m, std::regex("compose\\.yaml:\\d+:\\d+: ")));

    r.save(
        "services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n    environment: {V: "
        "'2'}\n");
    REQUIRE(r.await("watch: converged in", 1));
    text = r.all();
    CHECK(r.target->converges.size() == 1);
    CHECK(r.target->converges[0].remove_orphans);  // a removed service is removed
    CHECK(text.find("recreate  demo-b-1") != std::string::npos);
    CHECK(text.find("keep      demo-a-1") != std::string::npos);
    CHECK(text.find(" Container x  Recreated") != std::string::npos);
}

TEST_CASE(
    "watch session: an optional env_file that appears converges - an unchanged save does nothing") {
    Rig r("services:\n  a:\n    image: busybox\n    env_file: [{path: a.env, required: false}]\n");
    r.save("X=1\n", "a.env");
    REQUIRE(r.await("watch: converged in", 1));
    CHECK(r.target->converges.size() == 1);
    r.save("services:\n  a:\n    image: busybox\n    env_file: [{path: a.env, required: false}]\n");
    REQUIRE(r.await("watch: nothing to change", 1));
    CHECK(r.target->converges.size() == 1);
    // A file the project does not read changes nothing, even in the same directory.
    write_file(r.dir.path / "notes.txt", "x");
    r.io.run_for(100ms);
    CHECK(r.count("watch: a.env changed") == 1);
    CHECK(r.count("watch: compose.yaml changed") == 1);
    CHECK(r.count("notes.txt") == 0);
}

TEST_CASE("watch session: develop.watch restart follows its path and ignore patterns") {
    Rig r(
        "services:\n  a:\n    image: busybox\n    develop:\n      watch:\n"
        "        - {path: ./conf, action: restart, ignore: ['*.bak']}\n"
        "        - {path: ./src, target: /app, action: sync}\n"
        "        - {path: ./late, action: restart}\n",
        {"conf", "src"});
    write_file(r.dir.path / "conf/old.bak", "x");
    r.io.run_for(100ms);
    CHECK(r.target->restarts.empty());
    write_file(r.dir.path / "conf/sub/app.ini", "x");
    REQUIRE(r.await("watch: restarted service a", 1));
    CHECK(r.target->restarts == std::vector<std::string>{"a"});
    write_file(r.dir.path / "src/main.js", "x");
    REQUIRE(r.await("has no running container", 1));

    // A rule's directory that appears later is watched from then on.
    fs::create_directories(r.dir.path / "late");
    REQUIRE(r.await("watch: restarted service a", 2));
    write_file(r.dir.path / "late/x", "x");
    REQUIRE(r.await("watch: restarted service a", 3));
}

TEST_CASE("watch session: initial_sync takes the rule's files once, at the start") {
    Rig r(
        "services:\n  a:\n    image: busybox\n    develop:\n      watch:\n"
        "        - {path: ./src, target: /app, action: sync+restart, initial_sync: true}\n",
        {"src"});
    REQUIRE(r.lines.empty());  // the rule's directory was empty when the session started
    write_file(r.dir.path / "src/a.js", "x");
    REQUIRE(r.await("has no running container", 1));
    REQUIRE(r.await("watch: restarted service a", 1));

    // A second session over the same files syncs them at once, and restarts nothing for it.
    WatchSessionOptions wo;
    wo.load = r.options();
    wo.print = [&](const std::string& l) { r.lines.push_back(l); };
    WatchSession again(r.io, wo, *r.target, *r.loaded);
    again.start();
    CHECK(r.count("has no running container") == 2);
    r.io.run_for(100ms);
    CHECK(r.target->restarts.size() == 1);
}
