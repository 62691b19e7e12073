// UDP backend of PortProxy: one host socket; per (client address, address it sent to) a
// connected upstream socket made in the bridge netns, so replies find their way back to the right
// client and leave from the address the client used (IP_PKTINFO, for listeners on 0.0.0.0).
// Datagrams are read and written non-blocking straight from one buffer per socket, without a copy
// or an allocation per datagram; a full socket buffer drops the datagram, as a network would.
// Sessions idle longer than the timeout are closed by a periodic sweep.
#include <fmt/format.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <map>
#include <utility>

#include "network/netns_socket.hpp"
#include "network/proxy/proxy_impl.hpp"
#include "network/proxy/udp_pktinfo.hpp"
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
// Datagrams one socket may handle before yielding to other handlers.
constexpr int kDatagramsPerTurn = 64;

// A client and the local address it sent to (unspecified when the kernel did not say).
using SessionKey = std::pair<udp::endpoint, asio::ip::address>;

class UdpProxy;

class UdpSession : public std::enable_shared_from_this<UdpSession> {
public:
    UdpSession(std::weak_ptr<UdpProxy> owner, udp::socket upstream, SessionKey key)
        : owner_(std::move(owner)),
          upstream_(std::move(upstream)),
          key_(std::move(key)),
          last_active_(Clock::now()) {}

    void start() { receive(); }
    void send(const uint8_t* data, std::size_t size) {
        last_active_ = Clock::now();
        ssize_t n;
        do {
            n = ::send(upstream_.native_handle(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        // ECONNREFUSED: an ICMP error from an earlier datagram (nothing listens yet).
        if (n < 0 && errno != EAGAIN && errno != ECONNREFUSED)
            SPDLOG_DEBUG("proxy: udp send upstream: {}", std::strerror(errno));
    }
    void close() {
        error_code ignored;
        upstream_.close(ignored);
    }
    Clock::time_point last_active() const { return last_active_; }

private:
    void receive();
    void drain();

    std::weak_ptr<UdpProxy> owner_;
    udp::socket upstream_;
    SessionKey key_;
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
        enable_destination_info(socket_);
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
        for (auto& [key, session] : sessions_) session->close();
        sessions_.clear();
    }

    // A datagram from the container back to the client, sent from the address it used.
    void reply(const SessionKey& key, const uint8_t* data, std::size_t size) {
        if (stopped_) return;
        std::optional<asio::ip::address> from;
        if (!key.second.is_unspecified()) from = key.second;
        try {
            if (!send_datagram(socket_, data, size, key.first, from))
                SPDLOG_DEBUG("proxy: udp port {}: reply dropped (socket buffer full)", port_);
        } catch (const std::exception& e) {
            SPDLOG_DEBUG("proxy: udp port {}: reply: {}", port_, e.what());
        }
    }

    void forget(const SessionKey& key) { sessions_.erase(key); }

private:
    void receive() {
        socket_.async_wait(udp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
            if (ec == asio::error::operation_aborted || self->stopped_) return;
            if (ec) SPDLOG_DEBUG("proxy: udp wait on port {}: {}", self->port_, ec.message());
            else self->drain();
            self->receive();
        });
    }

    void drain() {
        for (int i = 0; i < kDatagramsPerTurn; ++i) {
            std::optional<ReceivedDatagram> d;
            try {
                d = receive_datagram(socket_, buffer_.data(), buffer_.size());
            } catch (const std::exception& e) {
                SPDLOG_DEBUG("proxy: udp receive on port {}: {}", port_, e.what());
                continue;  // an error queued by ICMP; the next datagram may be fine
            }
            if (!d) return;
            SessionKey key{d->sender, d->destination.value_or(asio::ip::address())};
            if (auto session = session_for(key)) session->send(buffer_.data(), d->size);
        }
    }

    std::shared_ptr<UdpSession> session_for(const SessionKey& key) {
        if (auto it = sessions_.find(key); it != sessions_.end()) return it->second;
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
        auto session = std::make_shared<UdpSession>(weak_from_this(), std::move(upstream), key);
        sessions_.emplace(key, session);
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
    std::map<SessionKey, std::shared_ptr<UdpSession>> sessions_;
};

void UdpSession::receive() {
    upstream_.async_wait(udp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) return self->drain();
        if (auto owner = self->owner_.lock()) {
            self->close();
            owner->forget(self->key_);
        }
    });
}

void UdpSession::drain() {
    auto owner = owner_.lock();
    if (!owner) return;
    for (int i = 0; i < kDatagramsPerTurn; ++i) {
        ssize_t n = ::recv(upstream_.native_handle(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
        if (n >= 0) {
            last_active_ = Clock::now();
            owner->reply(key_, buffer_.data(), static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR || errno == ECONNREFUSED) continue;  // ICMP unreachable: keep going
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        SPDLOG_DEBUG("proxy: udp receive upstream: {}", std::strerror(errno));
        close();
        owner->forget(key_);
        return;
    }
    receive();
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
