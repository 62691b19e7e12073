// `stack logs` against log files written by hand: merge order, filters, prefixes, follow.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/unit/cli/cli_fixture.hpp"

using namespace cli_test;
using stk::supervise::ProjectState;
using stk::supervise::StateStore;

namespace {

constexpr int64_t kSec = 1'000'000'000;
const int64_t kT0 = *stk::supervise::parse_timestamp("2026-01-02T03:04:05Z");

// Two services whose lines interleave in time; no supervisor (the state is on disk only).
void two_services(const RunRoot& root, const std::string& project) {
    ProjectState s;
    s.project = project;
    s.containers = {live_record(project, "api", 1), live_record(project, "web", 1)};
    StateStore(root.path, project).save(s);
    append_log(root, project, project + "-api-1", kT0 + 1 * kSec, "api one");
    append_log(root, project, project + "-api-1", kT0 + 3 * kSec, "api two");
    append_log(root, project, project + "-web-1", kT0 + 2 * kSec, "web one");
    append_log(root, project, project + "-web-1", kT0 + 4 * kSec, "web two");
}

}  // namespace

TEST_CASE("cli logs: services merged in time order with padded prefixes") {
    RunRoot root;
    two_services(root, "lg");
    auto r = run_stack(root, "-p lg logs --no-color");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "lg-api-1  | api one\n"
          "lg-web-1  | web one\n"
          "lg-api-1  | api two\n"
          "lg-web-1  | web two\n");
}

TEST_CASE("cli logs: --tail per container, --since, service filter, --no-log-prefix, -t") {
    RunRoot root;
    two_services(root, "lt");
    CHECK(run_stack(root, "-p lt logs --no-color --tail 1").out ==
          "lt-api-1  | api two\nlt-web-1  | web two\n");
    CHECK(run_stack(root, "-p lt logs --no-color --since 2026-01-02T03:04:08Z").out ==
          "lt-api-1  | api two\nlt-web-1  | web two\n");
    CHECK(run_stack(root, "-p lt logs --no-log-prefix web").out == "web one\nweb two\n");
    CHECK(run_stack(root, "-p lt logs --no-color -t --tail 1 api").out ==
          "lt-api-1  | 2026-01-02T03:04:08.000000000Z api two\n");
    auto bad = run_stack(root, "-p lt logs nosuch", true);
    CHECK(bad.exit_code == 1);
    CHECK(bad.out.find("no such service: \"nosuch\"") != std::string::npos);
    CHECK(run_stack(root, "-p lt logs --tail x", true).exit_code == 1);
}

TEST_CASE("cli logs: colour per container unless --no-color") {
    RunRoot root;
    two_services(root, "lc");
    auto r = run_stack(root, "--ansi always -p lc logs --tail 1");
    CHECK(r.out.find("\x1b[36m") != std::string::npos);
    CHECK(r.out.find("\x1b[33m") != std::string::npos);
}

TEST_CASE("cli logs: -f without a supervisor prints what there is and ends") {
    RunRoot root;
    two_services(root, "lf");
    auto r = run_stack(root, "-p lf logs -f --no-color --tail 1");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "lf-api-1  | api two\nlf-web-1  | web two\n");
}

TEST_CASE("cli logs: -f follows new lines of every container and ends on stack down") {
    RunRoot root;
    const std::string project = "lfw";
    two_services(root, project);
    // A stand-in supervisor: a child that lives until the test kills it.
    pid_t sup = ::fork();
    REQUIRE(sup >= 0);
    if (sup == 0) {
        ::pause();
        ::_exit(0);
    }
    struct Reap {
        pid_t pid;
        ~Reap() {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    } reap{sup};
    StateStore store(root.path, project);
    store.update([&](ProjectState& s) {
        s.supervisor_pid = sup;
        s.supervisor_start_time = stk::supervise::process_start_time(sup).value_or(0);
    });

    std::string cmd = root.env() + "timeout 20 " + STACK_BINARY + " -p " + project +
                      " logs -f --no-color --tail 1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char line[256];
    std::vector<std::string> got;
    for (int i = 0; i < 2 && std::fgets(line, sizeof line, p); ++i) got.push_back(line);
    CHECK(got == std::vector<std::string>{"lfw-api-1  | api two\n", "lfw-web-1  | web two\n"});

    append_log(root, project, project + "-web-1", kT0 + 5 * kSec, "web three");
    REQUIRE(std::fgets(line, sizeof line, p));
    CHECK(std::string(line) == "lfw-web-1  | web three\n");
    // A container that appears later (scale up) is followed too.
    store.update([&](ProjectState& s) { s.containers.push_back(live_record(project, "web", 2)); });
    append_log(root, project, project + "-web-2", kT0 + 6 * kSec, "second replica");
    REQUIRE(std::fgets(line, sizeof line, p));
    CHECK(std::string(line) == "lfw-web-2  | second replica\n");

    store.remove();  // what `stack down` does last
    CHECK(std::fgets(line, sizeof line, p) == nullptr);
    int status = ::pclose(p);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("cli logs: -f outlives exited containers and ends when the supervisor exits") {
    RunRoot root;
    const std::string project = "lfs";
    two_services(root, project);
    pid_t sup = ::fork();
    REQUIRE(sup >= 0);
    if (sup == 0) {
        ::pause();
        ::_exit(0);
    }
    StateStore(root.path, project).update([&](ProjectState& s) {
        s.supervisor_pid = sup;
        s.supervisor_start_time = stk::supervise::process_start_time(sup).value_or(0);
    });
    std::string cmd = root.env() + "timeout 20 " + STACK_BINARY + " -p " + project +
                      " logs -f --no-color --tail 1 api";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char line[256];
    REQUIRE(std::fgets(line, sizeof line, p));
    CHECK(std::string(line) == "lfs-api-1  | api two\n");
    // Between a crash and its restart the state says "exited": still followed.
    StateStore(root.path, project).update([](ProjectState& s) {
        for (auto& c : s.containers) c.status = "exited";
    });
    append_log(root, project, project + "-api-1", kT0 + 9 * kSec, "back again");
    REQUIRE(std::fgets(line, sizeof line, p));
    CHECK(std::string(line) == "lfs-api-1  | back again\n");
    ::kill(sup, SIGKILL);  // stays a zombie until reaped: the pidfd still fires
    CHECK(std::fgets(line, sizeof line, p) == nullptr);
    int status = ::pclose(p);
    ::waitpid(sup, nullptr, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
