#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <optional>

#include "orchestrator/supervise/probe/spawned_exec_runner.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::supervise;
using namespace std::chrono_literals;

namespace {

ProbeResult run_probe(boost::asio::io_context& io, ExecProbeRunner& runner,
                      const std::vector<std::string>& argv, Duration timeout) {
    std::optional<ProbeResult> got;
    bool returned = false;
    runner.run(argv, timeout, [&](ProbeResult r) {
        CHECK(returned);  // never called before run() returns
        got = std::move(r);
    });
    returned = true;
    io.run_for(10s);
    io.restart();
    REQUIRE(got);
    return *got;
}

}  // namespace

TEST_CASE("exec probe: exit code and combined output of a host process") {
    boost::asio::io_context io;
    SpawnedExecProbeRunner runner(io, spawn_host_process);
    auto ok = run_probe(io, runner, {"/bin/sh", "-c", "echo out; echo err >&2; exit 0"}, 5s);
    CHECK(ok.exit_code == 0);
    CHECK(ok.output == "out\nerr\n");
    auto bad = run_probe(io, runner, {"sh", "-c", "echo nope; exit 3"}, 5s);
    CHECK(bad.exit_code == 3);
    CHECK(bad.output == "nope\n");
    CHECK(bad.end >= bad.start);
}

TEST_CASE("exec probe: output is cut at 4 KiB with docker's marker") {
    boost::asio::io_context io;
    SpawnedExecProbeRunner runner(io, spawn_host_process);
    auto r = run_probe(io, runner, {"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}, 5s);
    CHECK(r.exit_code == 0);
    CHECK(r.output.size() == 4096 + 3);
    CHECK(r.output.substr(0, 4) == "xxxx");
    CHECK(r.output.substr(4096) == "...");
}

TEST_CASE("exec probe: a probe outliving its timeout is killed and reported as docker does") {
    boost::asio::io_context io;
    SpawnedExecProbeRunner runner(io, spawn_host_process);
    auto t0 = Clock::now();
    auto r = run_probe(io, runner, {"sleep", "10"}, 150ms);
    CHECK(r.exit_code == kProbeErrorExit);
    CHECK(r.output == "Health check exceeded timeout (150ms)");
    CHECK(Clock::now() - t0 < 3s);
    CHECK(r.end - r.start >= 150ms);
}

TEST_CASE("exec probe: a command that cannot start fails with the reason") {
    boost::asio::io_context io;
    SpawnedExecProbeRunner runner(io, spawn_host_process);
    auto r = run_probe(io, runner, {"/nonexistent/stk-probe"}, 1s);
    CHECK(r.exit_code == kProbeErrorExit);
    CHECK(r.output.find("spawn \"/nonexistent/stk-probe\"") == 0);
    CHECK(r.output.find("No such file or directory") != std::string::npos);
    CHECK_THROWS_AS(spawn_host_process({}), stk::Error);
}

TEST_CASE("exec probe: a background child holding the pipe does not delay the result") {
    boost::asio::io_context io;
    SpawnedExecProbeRunner runner(io, spawn_host_process);
    auto t0 = Clock::now();
    auto r = run_probe(io, runner, {"/bin/sh", "-c", "echo started; sleep 3 & exit 0"}, 5s);
    CHECK(r.exit_code == 0);
    CHECK(r.output == "started\n");
    CHECK(Clock::now() - t0 < 2s);
}
