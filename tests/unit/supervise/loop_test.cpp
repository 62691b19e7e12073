#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <optional>

#include "orchestrator/supervise/loop/process_watcher.hpp"
#include "orchestrator/supervise/loop/shutdown_signals.hpp"
#include "orchestrator/supervise/loop/timer.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::supervise;
using namespace std::chrono_literals;

namespace {

// A forked child that sleeps `ms` and then exits with `code`; killed and reaped on scope exit
// if the test did not reap it.
struct Child {
    pid_t pid = -1;
    Child(int ms, int code) {
        pid = fork();
        if (pid == 0) {
            usleep(static_cast<useconds_t>(ms) * 1000);
            _exit(code);
        }
        REQUIRE(pid > 0);
    }
    ~Child() {
        if (pid > 0 && ::kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
};

}  // namespace

TEST_CASE("loop: a pidfd watcher reports a child's exit code when it happens") {
    boost::asio::io_context io;
    Child child(100, 3);
    std::optional<ExitStatus> got;
    auto t0 = Clock::now();
    Duration when{};
    ProcessWatcher w(io, open_pidfd(child.pid), [&](const ExitStatus& s) {
        got = s;
        when = Clock::now() - t0;
    });
    io.run();  // returns once the watcher has fired: nothing else is pending
    REQUIRE(got);
    CHECK(got->known);
    CHECK(got->exit_code == 3);
    CHECK(got->signal == 0);
    CHECK(got->describe() == "exited with code 3");
    CHECK(when >= 90ms);
    CHECK(when < 2s);
    CHECK(w.done());
    CHECK(::kill(child.pid, 0) == -1);  // reaped by waitid
    child.pid = -1;
}

TEST_CASE("loop: a killed child reports 128 + signal") {
    boost::asio::io_context io;
    Child child(10000, 0);
    std::optional<ExitStatus> got;
    ProcessWatcher w(io, open_pidfd(child.pid), [&](const ExitStatus& s) { got = s; });
    Timer t(io);
    t.after(20ms, [&] { ::kill(child.pid, SIGKILL); });
    io.run();
    REQUIRE(got);
    CHECK(got->known);
    CHECK(got->signal == SIGKILL);
    CHECK(got->exit_code == 137);
    CHECK(got->describe() == "killed by signal 9 (SIGKILL)");
    child.pid = -1;
}

TEST_CASE("loop: a process that is not our child still reports its exit") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t mid = fork();
    REQUIRE(mid >= 0);
    if (mid == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            usleep(150 * 1000);
            _exit(5);
        }
        (void)!write(fds[1], &grandchild, sizeof grandchild);
        _exit(0);
    }
    close(fds[1]);
    pid_t grandchild = -1;
    REQUIRE(read(fds[0], &grandchild, sizeof grandchild) == sizeof grandchild);
    close(fds[0]);
    REQUIRE(waitpid(mid, nullptr, 0) == mid);

    boost::asio::io_context io;
    std::optional<ExitStatus> got;
    ProcessWatcher w(io, open_pidfd(grandchild), [&](const ExitStatus& s) { got = s; });
    io.run();
    REQUIRE(got);
    CHECK_FALSE(got->known);
    CHECK(got->describe() == "exited (status unknown)");
}

TEST_CASE("loop: a cancelled watcher never calls back") {
    boost::asio::io_context io;
    Child child(50, 1);
    bool called = false;
    auto w = std::make_unique<ProcessWatcher>(io, open_pidfd(child.pid),
                                              [&](const ExitStatus&) { called = true; });
    w->cancel();
    io.run();
    CHECK_FALSE(called);
    w.reset();
    CHECK_THROWS_AS(open_pidfd(999999999), stk::SysError);
}

TEST_CASE("loop: timers fire at their time, re-arming replaces, cancel suppresses") {
    boost::asio::io_context io;
    Timer a(io), b(io), c(io);
    std::vector<std::string> order;
    auto t0 = Clock::now();
    Duration a_at{};
    a.after(60ms, [&] {
        order.push_back("a");
        a_at = Clock::now() - t0;
    });
    b.after(10ms, [&] { order.push_back("b-old"); });
    b.after(30ms, [&] { order.push_back("b"); });
    c.after(20ms, [&] { order.push_back("c"); });
    CHECK(c.armed());
    c.cancel();
    CHECK_FALSE(c.armed());
    io.run();
    CHECK(order == std::vector<std::string>{"b", "a"});
    CHECK(a_at >= 60ms);
    CHECK_FALSE(a.armed());
    {
        Timer d(io);
        d.after(1ms, [&] { order.push_back("d"); });
    }  // destroyed before it fires
    io.restart();
    io.run();
    CHECK(order.size() == 2);
}

TEST_CASE("loop: first SIGINT is graceful, the second kills") {
    boost::asio::io_context io;
    std::vector<std::string> events;
    ShutdownSignals signals(
        io, [&] { events.push_back("graceful"); },
        [&] {
            events.push_back("kill");
            io.stop();
        });
    Timer first(io), second(io);
    first.after(5ms, [&] { ::kill(getpid(), SIGINT); });
    second.after(30ms, [&] { ::kill(getpid(), SIGINT); });
    io.run();
    CHECK(events == std::vector<std::string>{"graceful", "kill"});
    CHECK(signals.received() == 2);
}
