// TCP backend of PortProxy: accept in the host namespace, dial the container from a socket made
// in the bridge netns, splice both ways; EOF on one side becomes shutdown(SHUT_WR) on the other.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <set>

#include "network/netns_socket.hpp"
#include "network/proxy/proxy_impl.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// Bytes moved per splice call, and the pipe capacity asked for (the default is 64 KiB).
constexpr std::size_t kChunk = 1 << 20;
constexpr int kPipeSize = 1 << 20;
// Splice rounds one direction may run before yielding to other sessions' handlers.
constexpr int kRoundsPerTurn = 16;

class TcpProxy;

// One direction of a session: from -> pipe -> to with splice(2), so the payload never enters
// user space.
struct Direction {
    tcp::socket* from = nullptr;
    tcp::socket* to = nullptr;
    UniqueFd pipe_read;
    UniqueFd pipe_write;
    std::size_t in_pipe = 0;
    bool done = false;
};

class TcpSession : public std::enable_shared_from_this<TcpSession> {
public:
    TcpSession(std::weak_ptr<TcpProxy> owner, tcp::socket client, tcp::socket upstream)
        : owner_(std::move(owner)), client_(std::move(client)), upstream_(std::move(upstream)) {}

    void start(const tcp::endpoint& target) {
        upstream_.async_connect(target, [self = shared_from_this()](const error_code& ec) {
            if (ec) {
                if (ec != asio::error::operation_aborted)
                    SPDLOG_DEBUG("proxy: connect upstream: {}", ec.message());
                return self->close();
            }
            if (!self->prepare()) return self->close();
            self->pump(0);
            self->pump(1);
        });
    }

    // Abortive end of both directions; idempotent.
    void close();

private:
    bool prepare() {
        error_code ec;
        client_.set_option(tcp::no_delay(true), ec);
        upstream_.set_option(tcp::no_delay(true), ec);
        client_.native_non_blocking(true, ec);
        if (!ec) upstream_.native_non_blocking(true, ec);
        if (ec) {
            SPDLOG_DEBUG("proxy: non-blocking mode: {}", ec.message());
            return false;
        }
        directions_[0].from = &client_;
        directions_[0].to = &upstream_;
        directions_[1].from = &upstream_;
        directions_[1].to = &client_;
        for (auto& d : directions_) {
            int fds[2];
            if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
                spdlog::warn("proxy: pipe2: {}", std::strerror(errno));
                return false;
            }
            d.pipe_read.reset(fds[0]);
            d.pipe_write.reset(fds[1]);
            ::fcntl(fds[1], F_SETPIPE_SZ, kPipeSize);  // best effort: the default size works
        }
        return true;
    }

    // Moves data until a socket would block (then waits for it) or the turn is used up.
    void pump(int index) {
        Direction& d = directions_[index];
        if (closed_ || d.done) return;
        for (int round = 0; round < kRoundsPerTurn; ++round) {
            while (d.in_pipe > 0) {
                ssize_t n = ::splice(d.pipe_read.get(), nullptr, d.to->native_handle(), nullptr,
                                     d.in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                if (n > 0) {
                    d.in_pipe -= static_cast<std::size_t>(n);
                    continue;
                }
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && errno == EAGAIN) return wait(index, *d.to, tcp::socket::wait_write);
                return close();  // EPIPE, ECONNRESET: the peer is gone
            }
            ssize_t n = ::splice(d.from->native_handle(), nullptr, d.pipe_write.get(), nullptr,
                                 kChunk, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                d.in_pipe = static_cast<std::size_t>(n);
                continue;
            }
            if (n == 0) {
                // Half-close: pass the EOF on and keep the other direction running.
                d.done = true;
                error_code ignored;
                d.to->shutdown(tcp::socket::shutdown_send, ignored);
                if (directions_[0].done && directions_[1].done) close();
                return;
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return wait(index, *d.from, tcp::socket::wait_read);
            return close();
        }
        asio::post(client_.get_executor(),
                   [self = shared_from_this(), index] { self->pump(index); });
    }

    void wait(int index, tcp::socket& socket, tcp::socket::wait_type type) {
        socket.async_wait(type, [self = shared_from_this(), index](const error_code& ec) {
            if (ec) return self->close();
            self->pump(index);
        });
    }

    std::weak_ptr<TcpProxy> owner_;
    tcp::socket client_;
    tcp::socket upstream_;
    std::array<Direction, 2> directions_;
    bool closed_ = false;
};

class TcpProxy : public PortProxy::Impl, public std::enable_shared_from_this<TcpProxy> {
public:
    TcpProxy(asio::io_context& io, UniqueFd netns, const tcp::endpoint& target)
        : io_(io), acceptor_(io), netns_(std::move(netns)), target_(target) {}

    void listen(const tcp::endpoint& at) {
        error_code ec;
        acceptor_.open(at.protocol(), ec);
        if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor_.bind(at, ec);
        if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            throw Error(fmt::format("listen on {}:{}: {}", at.address().to_string(), at.port(),
                                    ec.message()),
                        ec);
        port_ = acceptor_.local_endpoint().port();
        accept();
    }

    uint16_t port() const override { return port_; }

    void stop() override {
        stopped_ = true;
        error_code ignored;
        acceptor_.close(ignored);
        auto sessions = std::move(sessions_);
        for (const auto& session : sessions) session->close();
    }

    void forget(const std::shared_ptr<TcpSession>& session) { sessions_.erase(session); }

private:
    void accept() {
        acceptor_.async_accept(
            [self = shared_from_this()](const error_code& ec, tcp::socket client) {
                if (ec == asio::error::operation_aborted || self->stopped_) return;
                if (ec) {
                    // EMFILE and friends: log and keep accepting rather than go deaf.
                    spdlog::warn("proxy: accept on port {}: {}", self->port_, ec.message());
                } else {
                    self->open_session(std::move(client));
                }
                self->accept();
            });
    }

    void open_session(tcp::socket client) {
        tcp::socket upstream(io_);
        try {
            UniqueFd fd = socket_in_netns(netns_.get(), AF_INET, SOCK_STREAM);
            upstream.assign(tcp::v4(), fd.release());
        } catch (const std::exception& e) {
            spdlog::warn("proxy: port {}: upstream socket: {}", port_, e.what());
            return;  // `client` closes here
        }
        auto session =
            std::make_shared<TcpSession>(weak_from_this(), std::move(client), std::move(upstream));
        sessions_.insert(session);
        session->start(target_);
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    UniqueFd netns_;
    tcp::endpoint target_;
    uint16_t port_ = 0;
    bool stopped_ = false;
    std::set<std::shared_ptr<TcpSession>> sessions_;
};

void TcpSession::close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
    if (auto owner = owner_.lock()) owner->forget(shared_from_this());
}

}  // namespace

std::shared_ptr<PortProxy::Impl> make_tcp_proxy(asio::io_context& io, UniqueFd bridge_netns,
                                                const tcp::endpoint& listen,
                                                const tcp::endpoint& target) {
    auto proxy = std::make_shared<TcpProxy>(io, std::move(bridge_netns), target);
    proxy->listen(listen);
    return proxy;
}

}  // namespace stk::net
