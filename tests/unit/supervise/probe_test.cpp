#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>

#include "orchestrator/supervise/loop/timer.hpp"
#include "orchestrator/supervise/probe/health_check_loop.hpp"
#include "orchestrator/supervise/probe/health_prober.hpp"
#include "orchestrator/supervise/probe/native_probe.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

using namespace stk::supervise;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A tiny HTTP server on 127.0.0.1:0: answers every request with `response` (or nothing when
// empty) and remembers the last request line.
class TestServer {
public:
    TestServer(asio::io_context& io, std::string response)
        : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          response_(std::make_shared<std::string>(std::move(response))),
          last_request_(std::make_shared<std::string>()) {
        accept();
    }
    uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string last_request() const { return *last_request_; }
    void close() { acceptor_.close(); }

private:
    struct Conn {
        explicit Conn(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        std::string buffer;
    };

    void accept() {
        auto conn = std::make_shared<Conn>(
            static_cast<asio::io_context&>(acceptor_.get_executor().context()));
        acceptor_.async_accept(conn->socket, [this, conn](const boost::system::error_code& ec) {
            if (ec) return;
            auto response = response_;
            auto last = last_request_;
            auto held = held_;
            asio::async_read_until(
                conn->socket, asio::dynamic_buffer(conn->buffer), "\r\n\r\n",
                [conn, response, last, held](const boost::system::error_code& ec, size_t) {
                    if (ec) return;
                    *last = conn->buffer.substr(0, conn->buffer.find("\r\n"));
                    if (response->empty()) {  // hold the connection open, answer nothing
                        held->push_back(conn);
                        return;
                    }
                    asio::async_write(conn->socket, asio::buffer(*response),
                                      [conn, response](const boost::system::error_code&, size_t) {
                                          conn->socket.close();
                                      });
                });
            accept();
        });
    }

    tcp::acceptor acceptor_;
    std::shared_ptr<std::string> response_;
    std::shared_ptr<std::string> last_request_;
    std::shared_ptr<std::vector<std::shared_ptr<Conn>>> held_ =
        std::make_shared<std::vector<std::shared_ptr<Conn>>>();
};

uint16_t closed_port(asio::io_context& io) {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    uint16_t port = a.local_endpoint().port();
    a.close();
    return port;
}

ProbeResult run_to_end(asio::io_context& io, const std::function<void(ProbeCallback)>& start) {
    std::optional<ProbeResult> got;
    start([&](ProbeResult r) {
        got = std::move(r);
        io.stop();
    });
    io.run_for(5s);
    REQUIRE(got);
    return *got;
}

class FakeExec : public ExecProbeRunner {
public:
    void run(const std::vector<std::string>& argv, Duration timeout, ProbeCallback done) override {
        calls.push_back(argv);
        timeouts.push_back(timeout);
        TimePoint now = Clock::now();
        done(ProbeResult{now, now, next_exit, "exec output"});
    }
    std::vector<std::vector<std::string>> calls;
    std::vector<Duration> timeouts;
    int next_exit = 0;
};

}  // namespace

TEST_CASE("probe: tcp connects to a listening port and fails on a closed one") {
    asio::io_context io;
    TestServer server(io, "HTTP/1.1 200 OK\r\n\r\n");
    auto ok = run_to_end(io, [&](ProbeCallback cb) {
        run_tcp_probe(io, {-1, "127.0.0.1", server.port()}, 1s, cb);
    });
    CHECK(ok.exit_code == 0);
    CHECK(ok.output == "connected to 127.0.0.1:" + std::to_string(server.port()));
    CHECK(ok.end >= ok.start);
    io.restart();
    uint16_t port = closed_port(io);
    auto refused = run_to_end(io, [&](ProbeCallback cb) {
        run_tcp_probe(io, {-1, "127.0.0.1", port}, 1s, cb);
    });
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("Connection refused") != std::string::npos);
}

TEST_CASE("probe: the socket is created inside the given network namespace") {
    asio::io_context io;
    TestServer server(io, "HTTP/1.1 200 OK\r\n\r\n");
    stk::UniqueFd netns(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    REQUIRE(netns);
    auto ok = run_to_end(io, [&](ProbeCallback cb) {
        run_tcp_probe(io, {netns.get(), "127.0.0.1", server.port()}, 1s, cb);
    });
    CHECK(ok.exit_code == 0);
    io.restart();
    // Not a namespace fd: setns fails, and the failure is the probe's result.
    stk::UniqueFd not_ns(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    auto bad = run_to_end(io, [&](ProbeCallback cb) {
        run_tcp_probe(io, {not_ns.get(), "127.0.0.1", server.port()}, 1s, cb);
    });
    CHECK(bad.exit_code == kProbeErrorExit);
    CHECK(bad.output.find("setns(fd " + std::to_string(not_ns.get()) + ", CLONE_NEWNET)") == 0);
    io.restart();
    auto invalid = run_to_end(io, [&](ProbeCallback cb) {
        run_tcp_probe(io, {-1, "db.internal", 5432}, 1s, cb);
    });
    CHECK(invalid.exit_code == kProbeErrorExit);
    CHECK(invalid.output.find("invalid probe address \"db.internal\"") == 0);
}

TEST_CASE("probe: http 2xx/3xx is healthy, other statuses and garbage are not") {
    asio::io_context io;
    TestServer ok_server(io, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    auto ok = run_to_end(io, [&](ProbeCallback cb) {
        run_http_probe(io, {-1, "127.0.0.1", ok_server.port()}, "/healthz", 1s, cb);
    });
    CHECK(ok.exit_code == 0);
    CHECK(ok.output.find("HTTP/1.1 204 No Content") != std::string::npos);
    CHECK(ok_server.last_request() == "GET /healthz HTTP/1.1");

    io.restart();
    TestServer redirect(io, "HTTP/1.0 302 Found\r\n\r\n");
    CHECK(run_to_end(io, [&](ProbeCallback cb) {
              run_http_probe(io, {-1, "127.0.0.1", redirect.port()}, "", 1s, cb);
          }).exit_code == 0);
    CHECK(redirect.last_request() == "GET / HTTP/1.1");

    io.restart();
    TestServer down(io, "HTTP/1.1 503 Service Unavailable\r\n\r\n");
    auto bad = run_to_end(io, [&](ProbeCallback cb) {
        run_http_probe(io, {-1, "127.0.0.1", down.port()}, "/", 1s, cb);
    });
    CHECK(bad.exit_code == 1);
    CHECK(bad.output.find("503 Service Unavailable") != std::string::npos);

    io.restart();
    TestServer ssh(io, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    auto garbage = run_to_end(io, [&](ProbeCallback cb) {
        run_http_probe(io, {-1, "127.0.0.1", ssh.port()}, "/", 1s, cb);
    });
    CHECK(garbage.exit_code == 1);
    CHECK(garbage.output.find("not an HTTP status line") != std::string::npos);
}

TEST_CASE("probe: a server that never answers hits the timeout") {
    asio::io_context io;
    TestServer silent(io, "");
    auto r = run_to_end(io, [&](ProbeCallback cb) {
        run_http_probe(io, {-1, "127.0.0.1", silent.port()}, "/", 100ms, cb);
    });
    CHECK(r.exit_code == kProbeErrorExit);
    CHECK(r.output == "Health check exceeded timeout (100ms)");
    CHECK(r.end - r.start >= 100ms);
    CHECK(r.end - r.start < 2s);
}

TEST_CASE("probe: exec probes go through the runner with docker's argv") {
    asio::io_context io;
    FakeExec exec;
    HealthTest cmd{HealthTestKind::Cmd, {"pg_isready", "-U", "app"}};
    HealthProber p(io, cmd, -1, &exec);
    auto r = run_to_end(io, [&](ProbeCallback cb) { p.probe(3s, cb); });
    CHECK(r.exit_code == 0);
    REQUIRE(exec.calls.size() == 1);
    CHECK(exec.calls[0] == std::vector<std::string>{"pg_isready", "-U", "app"});
    CHECK(exec.timeouts[0] == 3s);

    HealthTest shell{HealthTestKind::CmdShell, {"curl -f http://localhost/ || exit 1"}};
    CHECK(exec_probe_argv(shell) ==
          std::vector<std::string>{"/bin/sh", "-c", "curl -f http://localhost/ || exit 1"});
    CHECK_THROWS_AS(HealthProber(io, shell, -1, nullptr), stk::Error);
    CHECK_THROWS_AS(HealthProber(io, HealthTest{}, -1, &exec), stk::Error);
    CHECK_THROWS_AS(HealthProber(io, HealthTest{HealthTestKind::Tcp}, -1, nullptr), stk::Error);
    CHECK_THROWS_AS(exec_probe_argv(HealthTest{HealthTestKind::Cmd}), stk::Error);
}

TEST_CASE("probe: the check loop sees a late listener within the fast cadence") {
    asio::io_context io;
    uint16_t port = closed_port(io);
    std::unique_ptr<tcp::acceptor> late;
    Timer open_later(io);
    auto t0 = Clock::now();
    open_later.after(150ms, [&] {
        late = std::make_unique<tcp::acceptor>(
            io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    });
    HealthConfig cfg;
    cfg.test = HealthTest{HealthTestKind::Tcp, {}, port};
    cfg.interval = 30s;
    HealthMonitor monitor(cfg, t0);
    HealthProber prober(io, cfg.test, -1, nullptr);
    HealthCheckLoop loop(io, monitor, prober);
    std::optional<Duration> healthy_after;
    monitor.on_transition([&](HealthStatus, HealthStatus to, const ProbeResult& r) {
        if (to == HealthStatus::Healthy) {
            healthy_after = r.end - t0;
            loop.stop();
            io.stop();
        }
    });
    loop.start();
    io.run_for(5s);
    REQUIRE(healthy_after);
    // Probes at about 0, 10, 30, 70, 150, 310 ms: healthy at the 310 ms probe at the latest.
    CHECK(*healthy_after >= 150ms);
    CHECK(*healthy_after < 450ms);
    CHECK(loop.probes_run() >= 4);
    CHECK_FALSE(loop.running());
    CHECK(monitor.failing_streak() == 0);
}

TEST_CASE("probe: without fast probes the first probe waits one interval, stop is final") {
    asio::io_context io;
    FakeExec exec;
    exec.next_exit = 1;
    HealthConfig cfg;
    cfg.test = HealthTest{HealthTestKind::Cmd, {"false"}};
    cfg.interval = 80ms;
    cfg.retries = 2;
    cfg.fast_probes = false;
    auto t0 = Clock::now();
    HealthMonitor monitor(cfg, t0);
    HealthProber prober(io, cfg.test, -1, &exec);
    HealthCheckLoop loop(io, monitor, prober);
    std::vector<Duration> probe_times;
    std::optional<Duration> unhealthy_after;
    monitor.on_transition([&](HealthStatus, HealthStatus to, const ProbeResult& r) {
        if (to == HealthStatus::Unhealthy) {
            unhealthy_after = r.end - t0;
            loop.stop();
        }
    });
    loop.start();
    io.run_for(1s);
    REQUIRE(unhealthy_after);
    CHECK(*unhealthy_after >= 160ms);  // interval * retries, as docker
    CHECK(*unhealthy_after < 600ms);
    CHECK(exec.calls.size() == 2);  // stopped: no probe after the transition
    CHECK(monitor.status() == HealthStatus::Unhealthy);
}
