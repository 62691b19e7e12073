#include "orchestrator/supervise/probe/native_probe.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <optional>

#include "network/netns_socket.hpp"
#include "runtime/sys/error.hpp"

namespace stk::supervise {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr size_t kMaxStatusLine = 4096;

// One probe: connect, optionally one HTTP exchange, all under one deadline.
class ProbeSession : public std::enable_shared_from_this<ProbeSession> {
public:
    ProbeSession(IoContext& io, NativeProbeTarget target, std::optional<std::string> http_path,
                 Duration timeout, ProbeCallback done)
        : socket_(io),
          timer_(io),
          target_(std::move(target)),
          path_(std::move(http_path)),
          timeout_(timeout),
          done_(std::move(done)) {}

    void start() {
        start_ = Clock::now();
        boost::system::error_code ec;
        auto address = asio::ip::make_address(target_.host, ec);
        if (ec)
            return finish_soon(kProbeErrorExit, fmt::format("invalid probe address \"{}\": {}",
                                                            target_.host, ec.message()));
        endpoint_ = tcp::endpoint(address, target_.port);
        try {
            int domain = address.is_v6() ? AF_INET6 : AF_INET;
            UniqueFd fd =
                target_.netns_fd < 0
                    ? UniqueFd(check_sys(::socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"))
                    : net::socket_in_netns(target_.netns_fd, domain, SOCK_STREAM);
            socket_.assign(address.is_v6() ? tcp::v6() : tcp::v4(), fd.get());
            fd.release();
        } catch (const Error& e) {
            return finish_soon(kProbeErrorExit, e.what());
        }
        timer_.expires_after(timeout_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->expire();
        });
        socket_.async_connect(endpoint_,
                              [self = shared_from_this()](const boost::system::error_code& ec) {
                                  self->connected(ec);
                              });
    }

private:
    std::string where() const {
        return fmt::format("{}:{}", endpoint_.address().to_string(), endpoint_.port());
    }

    void connected(const boost::system::error_code& ec) {
        if (finished_) return;
        if (ec) return finish(1, fmt::format("connect {}: {}", where(), ec.message()));
        if (!path_) return finish(0, fmt::format("connected to {}", where()));
        request_ = fmt::format(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: stack-probe\r\nConnection: close\r\n\r\n",
            *path_, where());
        asio::async_write(socket_, asio::buffer(request_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                              self->written(ec);
                          });
    }

    void written(const boost::system::error_code& ec) {
        if (finished_) return;
        if (ec) return finish(1, fmt::format("send request to {}: {}", where(), ec.message()));
        asio::async_read_until(socket_, asio::dynamic_buffer(response_, kMaxStatusLine), "\r\n",
                               [self = shared_from_this()](const boost::system::error_code& ec,
                                                           size_t n) { self->read(ec, n); });
    }

    void read(const boost::system::error_code& ec, size_t n) {
        if (finished_) return;
        if (ec) return finish(1, fmt::format("read status from {}: {}", where(), ec.message()));
        std::string line = response_.substr(0, n - 2);
        // "HTTP/1.1 200 OK"
        int status = 0;
        if (line.rfind("HTTP/", 0) == 0) {
            size_t sp = line.find(' ');
            if (sp != std::string::npos && sp + 4 <= line.size())
                status = std::atoi(line.substr(sp + 1, 3).c_str());
        }
        if (status < 100 || status > 599)
            return finish(1, fmt::format("GET {} from {}: not an HTTP status line: {}", *path_,
                                         where(), line));
        finish(status >= 200 && status < 400 ? 0 : 1,
               fmt::format("GET {} from {}: {}", *path_, where(), line));
    }

    void expire() {
        if (finished_) return;
        finished_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (done_) done_(timeout_result(start_, Clock::now(), timeout_));
    }

    // From start(): the callback must not run before run_*_probe returns.
    void finish_soon(int code, std::string output) {
        asio::post(timer_.get_executor(),
                   [self = shared_from_this(), code, output = std::move(output)]() mutable {
                       self->finish(code, std::move(output));
                   });
    }

    void finish(int code, std::string output) {
        if (finished_) return;
        finished_ = true;
        timer_.cancel();
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (done_) done_(ProbeResult{start_, Clock::now(), code, std::move(output)});
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    NativeProbeTarget target_;
    std::optional<std::string> path_;
    Duration timeout_;
    ProbeCallback done_;
    TimePoint start_;
    tcp::endpoint endpoint_;
    std::string request_;
    std::string response_;
    bool finished_ = false;
};

}  // namespace

void run_tcp_probe(IoContext& io, const NativeProbeTarget& target, Duration timeout,
                   ProbeCallback done) {
    std::make_shared<ProbeSession>(io, target, std::nullopt, timeout, std::move(done))->start();
}

void run_http_probe(IoContext& io, const NativeProbeTarget& target, const std::string& path,
                    Duration timeout, ProbeCallback done) {
    std::make_shared<ProbeSession>(io, target, path.empty() ? "/" : path, timeout, std::move(done))
        ->start();
}

}  // namespace stk::supervise
