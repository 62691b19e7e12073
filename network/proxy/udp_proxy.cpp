// UDP backend of PortProxy: one host socket; per client address a connected upstream socket
// made in the bridge netns, so replies find their way back to the right client. Sessions idle
// longer than the timeout are closed by a periodic sweep.
#include <fmt/format.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>

#include "network/netns_socket.hpp"
#include "network/proxy/proxy_impl.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::net {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxDatagram = 65535;
// Bounds the sockets a flood of spoofed source addresses can make us open.
constexpr std::size_t kMaxSessions = 4096;

using Payload = std::shared_ptr<std::vector<uint8_t>>;

class UdpProxy;

class UdpSession : public std::enable_shared_from_this<UdpSession> {
public:
    UdpSession(std::weak_ptr<UdpProxy> owner, udp::socket upstream, udp::endpoint client)
        : owner_(std::move(owner)),
          upstream_(std::move(upstream)),
          client_(client),
          last_active_(Clock::now()) {}

    void start() { receive(); }
    void send(Payload payload) {
        last_active_ = Clock::now();
        upstream_.async_send(asio::buffer(*payload), [payload](const error_code&, std::size_t) {});
    }
    void close() {
        error_code ignored;
        upstream_.close(ignored);
    }
    Clock::time_point last_active() const { return last_active_; }

private:
    void receive();

    std::weak_ptr<UdpProxy> owner_;
    udp::socket upstream_;
    udp::endpoint client_;
    Clock::time_point last_active_;
    std::array<uint8_t, kMaxDatagram> buffer_{};
};

class UdpProxy : public PortProxy::Impl, public std::enable_shared_from_this<UdpProxy> {
public:
    UdpProxy(asio::io_context& io, UniqueFd netns, const udp::endpoint& target,
             std::chrono::milliseconds idle_timeout)
        : io_(io),
          socket_(io),
          sweeper_(io),
          netns_(std::move(netns)),
          target_(target),
          idle_timeout_(idle_timeout) {}

    void listen(const udp::endpoint& at) {
        error_code ec;
        socket_.open(at.protocol(), ec);
        if (!ec) socket_.bind(at, ec);
        if (ec)
            throw Error(
                fmt::format("bind {}:{}: {}", at.address().to_string(), at.port(), ec.message()),
                ec);
        port_ = socket_.local_endpoint().port();
        receive();
        sweep();
    }

    uint16_t port() const override { return port_; }

    void stop() override {
        stopped_ = true;
        error_code ignored;
        socket_.close(ignored);
        sweeper_.cancel();
        for (auto& [client, session] : sessions_) session->close();
        sessions_.clear();
    }

    // A datagram from the container back to `client`, sent from the published address.
    void reply(const udp::endpoint& client, Payload payload) {
        if (stopped_) return;
        socket_.async_send_to(asio::buffer(*payload), client,
                              [payload](const error_code&, std::size_t) {});
    }

    void forget(const udp::endpoint& client) { sessions_.erase(client); }

private:
    void receive() {
        socket_.async_receive_from(
            asio::buffer(buffer_), sender_,
            [self = shared_from_this()](const error_code& ec, std::size_t n) {
                if (ec == asio::error::operation_aborted || self->stopped_) return;
                if (!ec) {
                    if (auto session = self->session_for(self->sender_))
                        session->send(std::make_shared<std::vector<uint8_t>>(
                            self->buffer_.begin(), self->buffer_.begin() + n));
                } else {
                    SPDLOG_DEBUG("proxy: udp receive on port {}: {}", self->port_, ec.message());
                }
                self->receive();
            });
    }

    std::shared_ptr<UdpSession> session_for(const udp::endpoint& client) {
        if (auto it = sessions_.find(client); it != sessions_.end()) return it->second;
        if (sessions_.size() >= kMaxSessions) return nullptr;
        udp::socket upstream(io_);
        try {
            UniqueFd fd = socket_in_netns(netns_.get(), AF_INET, SOCK_DGRAM);
            upstream.assign(udp::v4(), fd.release());
            upstream.connect(target_);
        } catch (const std::exception& e) {
            spdlog::warn("proxy: udp port {}: upstream socket: {}", port_, e.what());
            return nullptr;
        }
        auto session = std::make_shared<UdpSession>(weak_from_this(), std::move(upstream), client);
        sessions_.emplace(client, session);
        session->start();
        return session;
    }

    void sweep() {
        auto period =
            std::max<std::chrono::milliseconds>(idle_timeout_ / 4, std::chrono::milliseconds(10));
        sweeper_.expires_after(period);
        sweeper_.async_wait([self = shared_from_this()](const error_code& ec) {
            if (ec || self->stopped_) return;
            auto now = Clock::now();
            for (auto it = self->sessions_.begin(); it != self->sessions_.end();) {
                if (now - it->second->last_active() >= self->idle_timeout_) {
                    it->second->close();
                    it = self->sessions_.erase(it);
                } else {
                    ++it;
                }
            }
            self->sweep();
        });
    }

    asio::io_context& io_;
    udp::socket socket_;
    asio::steady_timer sweeper_;
    UniqueFd netns_;
    udp::endpoint target_;
    std::chrono::milliseconds idle_timeout_;
    uint16_t port_ = 0;
    bool stopped_ = false;
    std::array<uint8_t, kMaxDatagram> buffer_{};
    udp::endpoint sender_;
    std::map<udp::endpoint, std::shared_ptr<UdpSession>> sessions_;
};

void UdpSession::receive() {
    upstream_.async_receive(
        asio::buffer(buffer_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted) return;
            auto owner = self->owner_.lock();
            if (!owner) return;
            if (ec == asio::error::connection_refused) {
                // ICMP port unreachable from the container: nothing listens (yet); keep going.
                return self->receive();
            }
            if (ec) {
                self->close();
                owner->forget(self->client_);
                return;
            }
            self->last_active_ = Clock::now();
            owner->reply(self->client_, std::make_shared<std::vector<uint8_t>>(
                                            self->buffer_.begin(), self->buffer_.begin() + n));
            self->receive();
        });
}

}  // namespace

std::shared_ptr<PortProxy::Impl> make_udp_proxy(asio::io_context& io, UniqueFd bridge_netns,
                                                const udp::endpoint& listen,
                                                const udp::endpoint& target,
                                                std::chrono::milliseconds idle_timeout) {
    auto proxy = std::make_shared<UdpProxy>(io, std::move(bridge_netns), target, idle_timeout);
    proxy->listen(listen);
    return proxy;
}

}  // namespace stk::net
