// Live editing with the real binary: `stack up --watch` and `stack watch` follow the stack
// file (which containers are recreated, by pid) and develop.watch sources (sync, restart).
#include <catch2/catch.hpp>
#include <regex>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

// A service that stops at once on SIGTERM, so recreating it costs no grace period.
std::string service(const std::string& name, const std::string& extra = "") {
    return "  " + name +
           ":\n"
           "    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 0.05; "
           "done\"]\n"
           "    x-stack: {rootfs: host}\n" +
           extra;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// An editor's save: write a temporary file, rename it over the original.
void save(const Project& p, const std::string& yaml) {
    auto tmp = p.dir / ".compose.yaml.tmp";
    std::ofstream(tmp) << yaml;
    std::filesystem::rename(tmp, p.dir / "compose.yaml");
}

int pid_of(const Project& p, const std::string& service) {
    auto c = p.container(p.cname(service));
    return c.value("status", "") == "running" ? c.value("pid", 0) : 0;
}

// Waits for the n-th occurrence of `marker` in the watcher's output; returns the save-to-
// converged time the watcher printed on that line (or -1).
long long await_line(const Project& p, const std::string& tag, const std::string& marker, size_t n,
                     std::chrono::milliseconds timeout = 15s) {
    auto out = [&] { return e2e::slurp(p.dir / (tag + ".out")); };
    if (!eventually([&] { return count(out(), marker) >= n; }, timeout)) return -2;
    std::string text = out();
    size_t at = 0;
    for (size_t i = 0; i < n; ++i) at = text.find(marker, i ? at + 1 : 0);
    std::smatch m;
    std::string line = text.substr(at, text.find('\n', at) - at);
    if (std::regex_search(line, m, std::regex("in (\\d+) ms"))) return std::stoll(m[1]);
    return -1;
}

// The environment of the service: the first child of the container's init (`pid`).
std::string service_environ(int pid) {
    std::string children =
        e2e::slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::string first = children.substr(0, children.find(' '));
    return first.empty() ? "" : e2e::slurp("/proc/" + first + "/environ");
}

// Ctrl-C for a `stack` child: now() sends it and returns the exit code; the destructor does
// it when the test failed before.
struct Interrupt {
    pid_t pid;
    int now() {
        int code = ::kill(pid, SIGINT) == 0 ? Project::wait_exit(pid) : -1;
        pid = 0;
        return code;
    }
    ~Interrupt() {
        if (pid > 0) now();
    }
};

}  // namespace

TEST_CASE("up --watch: edit, add, remove, broken save, fix - only what changed is touched") {
    const std::string head = "services:\n";
    const std::string a = service("a");
    auto b = [](const std::string& v) {
        return service("b", "    environment: {V: \"" + v + "\"}\n");
    };
    Project p(head + a + b("1"));
    pid_t up = p.spawn({"up", "--watch", "--no-color"}, "watch");
    Interrupt stop{up};
    REQUIRE(await_line(p, "watch", "watch: following", 1) != -2);
    const int a1 = pid_of(p, "a"), b1 = pid_of(p, "b");
    REQUIRE(a1 > 0);
    REQUIRE(b1 > 0);

    // 1. An environment value of b: only b is recreated.
    auto t0 = std::chrono::steady_clock::now();
    save(p, head + a + b("2"));
    long long ms = await_line(p, "watch", "watch: converged in", 1);
    auto seen = std::chrono::steady_clock::now() - t0;
    INFO(e2e::slurp(p.dir / "watch.out"));
    REQUIRE(ms >= 0);
    CHECK(pid_of(p, "a") == a1);
    const int b2 = pid_of(p, "b");
    CHECK(b2 > 0);
    CHECK(b2 != b1);
    CHECK_FALSE(e2e::pid_alive(b1));
    CHECK(service_environ(b2).find("V=2") != std::string::npos);
    CHECK(e2e::slurp(p.dir / "watch.out").find("recreate  " + p.cname("b")) != std::string::npos);
    std::printf("watch e2e: env change: save to converged %lld ms (watcher), %lld ms (test)\n", ms,
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(seen).count()));

    // 2. A new service starts; the others stay.
    save(p, head + a + b("2") + service("c"));
    ms = await_line(p, "watch", "watch: converged in", 2);
    REQUIRE(ms >= 0);
    const int c1 = pid_of(p, "c");
    CHECK(c1 > 0);
    CHECK(pid_of(p, "a") == a1);
    CHECK(pid_of(p, "b") == b2);
    std::printf("watch e2e: add a service: save to converged %lld ms\n", ms);

    // 3. Removing it stops and removes its container.
    save(p, head + a + b("2"));
    ms = await_line(p, "watch", "watch: converged in", 3);
    REQUIRE(ms >= 0);
    CHECK_FALSE(e2e::pid_alive(c1));
    CHECK(p.container(p.cname("c")).empty());
    CHECK(pid_of(p, "a") == a1);
    CHECK(pid_of(p, "b") == b2);
    std::printf("watch e2e: remove a service: save to converged %lld ms\n", ms);

    // 4. A broken save: the error with file:line:col, nothing changes.
    save(p, head + a + b("3") + "  d:\n    command: [\"sleep\"\n");
    REQUIRE(await_line(p, "watch", "watch: not applied", 1) != -2);
    std::string out = e2e::slurp(p.dir / "watch.out");
    std::smatch m;
    CHECK(std::regex_search(out, m, std::regex("compose\\.yaml:\\d+:\\d+: ")));
    CHECK(pid_of(p, "a") == a1);
    CHECK(pid_of(p, "b") == b2);

    // 5. Fixed: it converges to the fixed file.
    save(p, head + a + b("3"));
    ms = await_line(p, "watch", "watch: converged in", 4);
    REQUIRE(ms >= 0);
    CHECK(pid_of(p, "a") == a1);
    const int b3 = pid_of(p, "b");
    CHECK(b3 > 0);
    CHECK(b3 != b2);
    std::printf("watch e2e: fixed after a broken save: save to converged %lld ms\n", ms);

    CHECK(stop.now() == 130);
    CHECK_FALSE(e2e::pid_alive(a1));
}

TEST_CASE("up --watch: develop.watch syncs files into the container and restarts") {
    Project p(std::string("services:\n") +
              service("web",
                      "    develop:\n"
                      "      watch:\n"
                      "        - {path: ./src, target: /app, action: sync, ignore: [\"*.tmp\"]}\n"
                      "        - {path: ./conf, action: restart}\n"));
    std::filesystem::create_directories(p.dir / "src");
    std::filesystem::create_directories(p.dir / "conf");
    pid_t up = p.spawn({"up", "--watch", "--no-color"}, "watch");
    Interrupt stop{up};
    REQUIRE(await_line(p, "watch", "watch: following", 1) != -2);
    const int pid1 = pid_of(p, "web");
    REQUIRE(pid1 > 0);
    auto in_container = [&](int pid, const std::string& path) {
        return "/proc/" + std::to_string(pid) + "/root" + path;
    };

    std::filesystem::create_directories(p.dir / "src/lib");
    std::ofstream(p.dir / "src/lib/hello.txt") << "hello v1\n";
    std::ofstream(p.dir / "src/skip.tmp") << "ignored\n";
    long long ms = await_line(p, "watch", "watch: synced", 1);
    INFO(e2e::slurp(p.dir / "watch.out"));
    REQUIRE(ms >= 0);
    CHECK(e2e::slurp(in_container(pid1, "/app/lib/hello.txt")) == "hello v1\n");
    CHECK_FALSE(std::filesystem::exists(in_container(pid1, "/app/skip.tmp")));
    CHECK_FALSE(std::filesystem::exists("/app/lib/hello.txt"));  // the host is untouched
    std::printf("watch e2e: develop sync: save to synced %lld ms\n", ms);

    std::filesystem::remove(p.dir / "src/lib/hello.txt");
    REQUIRE(await_line(p, "watch", "watch: synced", 2) >= 0);
    CHECK_FALSE(std::filesystem::exists(in_container(pid1, "/app/lib/hello.txt")));

    std::ofstream(p.dir / "conf/app.ini") << "x=1\n";
    ms = await_line(p, "watch", "watch: restarted service web", 1);
    REQUIRE(ms >= 0);
    const int pid2 = pid_of(p, "web");
    CHECK(pid2 > 0);
    CHECK(pid2 != pid1);
    CHECK(p.container(p.cname("web")).value("name", "") == p.cname("web"));
    std::printf("watch e2e: develop restart: save to running %lld ms\n", ms);
}

TEST_CASE("stack watch follows a detached project - Ctrl-C leaves it running") {
    auto b = [](const std::string& v) {
        return service("b", "    environment: {V: \"" + v +
                                "\"}\n"
                                "    develop:\n      watch: [{path: ./conf, action: restart}]\n");
    };
    Project p("services:\n" + service("a") + b("1"));
    std::filesystem::create_directories(p.dir / "conf");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    const int a1 = pid_of(p, "a"), b1 = pid_of(p, "b");
    pid_t w = p.spawn({"watch", "--no-up"}, "remote");
    Interrupt stop{w};
    REQUIRE(await_line(p, "remote", "watch: following", 1) != -2);
    save(p, "services:\n" + service("a") + b("2"));
    long long ms = await_line(p, "remote", "watch: converged in", 1);
    INFO(e2e::slurp(p.dir / "remote.out"));
    REQUIRE(ms >= 0);
    CHECK(pid_of(p, "a") == a1);
    const int b2 = pid_of(p, "b");
    CHECK(b2 > 0);
    CHECK(b2 != b1);

    std::ofstream(p.dir / "conf/x") << "1\n";
    REQUIRE(await_line(p, "remote", "watch: restarted service b", 1) >= 0);
    CHECK(pid_of(p, "b") != b2);
    CHECK(pid_of(p, "b") > 0);

    CHECK(stop.now() == 0);
    CHECK(pid_of(p, "a") == a1);  // the stack keeps running
    CHECK(e2e::pid_alive(a1));
}
