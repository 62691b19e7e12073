// TCP backend of PortProxy: accept in the host namespace, dial the container from a socket made
// in the bridge netns, copy both ways; EOF on one side becomes shutdown(SHUT_WR) on the other.
#include <sys/socket.h>

#include <array>
#include <set>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "network/netns_socket.hpp"
#include "network/proxy/proxy_impl.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// Large enough that a bulk transfer moves in few syscalls per direction.
constexpr std::size_t kBufferSize = 256 * 1024;

class TcpProxy;

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
            error_code ignored;
            self->client_.set_option(tcp::no_delay(true), ignored);
            self->upstream_.set_option(tcp::no_delay(true), ignored);
            self->pump(self->client_, self->upstream_, 0);
            self->pump(self->upstream_, self->client_, 1);
        });
    }

    // Abortive end of both directions; idempotent.
    void close();

private:
    void pump(tcp::socket& from, tcp::socket& to, int direction) {
        auto& buffer = buffers_[direction];
        if (buffer.empty()) buffer.resize(kBufferSize);
        from.async_read_some(
            asio::buffer(buffer),
            [self = shared_from_this(), &from, &to, direction](const error_code& ec, std::size_t n) {
                if (ec == asio::error::eof) {
                    // Half-close: pass the EOF on and keep the other direction running.
                    error_code ignored;
                    to.shutdown(tcp::socket::shutdown_send, ignored);
                    if (++self->directions_done_ == 2) self->close();
                    return;
                }
                if (ec) return self->close();
                asio::async_write(
                    to, asio::buffer(self->buffers_[direction].data(), n),
                    [self, &from, &to, direction](const error_code& ec, std::size_t) {
                        if (ec) return self->close();
                        self->pump(from, to, direction);
                    });
            });
    }

    std::weak_ptr<TcpProxy> owner_;
    tcp::socket client_;
    tcp::socket upstream_;
    std::array<std::vector<uint8_t>, 2> buffers_;
    int directions_done_ = 0;
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
        acceptor_.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket client) {
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
        auto session = std::make_shared<TcpSession>(weak_from_this(), std::move(client),
                                                    std::move(upstream));
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
