#include "network/dns/dns_server.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <set>

#include "network/dns/dns_forwarder.hpp"
#include "network/dns/dns_records.hpp"
#include "network/dns/dns_resolve.hpp"
#include "network/dns/dns_upstreams.hpp"
#include "network/netns_socket.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

namespace {

constexpr auto kUpstreamTimeout = std::chrono::seconds(2);
// A client that keeps a TCP connection idle this long is dropped (RFC 7766 suggests seconds).
constexpr auto kTcpIdleTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxTcpSessions = 256;

std::string endpoint_text(uint32_t address, uint16_t port) {
    return fmt::format("{}.{}.{}.{}:{}", address >> 24, (address >> 16) & 0xff,
                       (address >> 8) & 0xff, address & 0xff, port);
}

}  // namespace

struct DnsServer::Impl : std::enable_shared_from_this<DnsServer::Impl> {
    class TcpSession;

    Impl(asio::io_context& io, bool forward)
        : io(io), udp_socket(io), acceptor(io), forward(forward) {}

    asio::io_context& io;
    udp::socket udp_socket;
    tcp::acceptor acceptor;
    bool forward;
    dns::RecordTable records;
    std::mutex upstream_mutex;
    std::vector<udp::endpoint> upstreams;
    uint16_t port = 0;
    bool stopped = false;

    std::array<uint8_t, 65535> udp_buffer{};
    udp::endpoint udp_sender;
    std::set<std::shared_ptr<TcpSession>> sessions;
    std::set<std::shared_ptr<dns::Forwarder>> forwarders;

    void open(int netns_fd, uint32_t listen_addr, uint16_t wanted_port);
    void start() {
        receive_udp();
        accept_tcp();
    }
    void stop();

    void receive_udp();
    void accept_tcp();
    // Resolves `query` and calls `reply` with the answer (maybe later, after forwarding);
    // false, and no call, for a query that is dropped.
    bool answer(std::vector<uint8_t> query, bool over_udp,
                std::function<void(std::vector<uint8_t>)> reply);
};

// One TCP client: length-prefixed queries answered in order, one at a time.
class DnsServer::Impl::TcpSession : public std::enable_shared_from_this<TcpSession> {
public:
    TcpSession(std::weak_ptr<Impl> server, tcp::socket socket)
        : server_(std::move(server)), socket_(std::move(socket)), idle_(socket_.get_executor()) {}

    void start() { read_length(); }
    void close() {
        error_code ignored;
        socket_.close(ignored);
        idle_.cancel();
    }

private:
    void arm_idle_timer() {
        idle_.expires_after(kTcpIdleTimeout);
        idle_.async_wait([self = shared_from_this()](const error_code& ec) {
            if (!ec) self->end();
        });
    }

    void read_length() {
        arm_idle_timer();
        asio::async_read(socket_, asio::buffer(length_),
                         [self = shared_from_this()](const error_code& ec, std::size_t) {
                             if (ec) return self->end();
                             std::size_t n = std::size_t(self->length_[0]) << 8 | self->length_[1];
                             self->read_body(n);
                         });
    }

    void read_body(std::size_t n) {
        body_.resize(n);
        asio::async_read(socket_, asio::buffer(body_),
                         [self = shared_from_this()](const error_code& ec, std::size_t) {
                             if (ec) return self->end();
                             self->handle_query();
                         });
    }

    void handle_query() {
        auto server = server_.lock();
        if (!server) return end();
        idle_.cancel();
        bool replies = server->answer(std::move(body_), false,
                                      [self = shared_from_this()](std::vector<uint8_t> reply) {
                                          self->write_reply(std::move(reply));
                                      });
        if (!replies) end();
    }

    void write_reply(std::vector<uint8_t> reply) {
        if (reply.size() > 0xFFFF) return end();
        out_.resize(2 + reply.size());
        out_[0] = static_cast<uint8_t>(reply.size() >> 8);
        out_[1] = static_cast<uint8_t>(reply.size());
        std::copy(reply.begin(), reply.end(), out_.begin() + 2);
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (ec) return self->end();
                              self->read_length();
                          });
    }

    // A dropped query (a response sent to us) also ends the connection: nothing to say.
    void end() {
        close();
        if (auto server = server_.lock()) server->sessions.erase(shared_from_this());
    }

    std::weak_ptr<Impl> server_;
    tcp::socket socket_;
    asio::steady_timer idle_;
    std::array<uint8_t, 2> length_{};
    std::vector<uint8_t> body_;
    std::vector<uint8_t> out_;
};

void DnsServer::Impl::open(int netns_fd, uint32_t listen_addr, uint16_t wanted_port) {
    const auto address = asio::ip::address_v4(listen_addr);
    // With port 0 the kernel picks the UDP port; TCP must then get the same one, which another
    // program may hold: retry with a new UDP port a few times.
    for (int tries = 0;; ++tries) {
        error_code ec;
        UniqueFd ufd = socket_in_netns(netns_fd, AF_INET, SOCK_DGRAM);
        udp_socket.assign(udp::v4(), ufd.release());
        udp_socket.bind(udp::endpoint(address, wanted_port), ec);
        if (ec)
            throw Error(fmt::format("bind DNS udp socket to {}: {}",
                                    endpoint_text(listen_addr, wanted_port), ec.message()),
                        ec);
        port = udp_socket.local_endpoint().port();

        UniqueFd tfd = socket_in_netns(netns_fd, AF_INET, SOCK_STREAM);
        acceptor.assign(tcp::v4(), tfd.release());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(tcp::endpoint(address, port), ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (!ec) return;
        udp_socket.close();
        acceptor.close();
        if (wanted_port != 0 || tries >= 5 || ec != asio::error::address_in_use)
            throw Error(fmt::format("bind DNS tcp socket to {}: {}",
                                    endpoint_text(listen_addr, port), ec.message()),
                        ec);
    }
}

void DnsServer::Impl::stop() {
    stopped = true;
    error_code ignored;
    udp_socket.close(ignored);
    acceptor.close(ignored);
    for (const auto& session : sessions) session->close();
    sessions.clear();
    for (const auto& forwarder : forwarders) forwarder->cancel();
    forwarders.clear();
}

void DnsServer::Impl::receive_udp() {
    udp_socket.async_receive_from(
        asio::buffer(udp_buffer), udp_sender,
        [self = shared_from_this()](const error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || self->stopped) return;
            if (!ec) {
                std::vector<uint8_t> query(self->udp_buffer.begin(), self->udp_buffer.begin() + n);
                self->answer(
                    std::move(query), true,
                    [self, to = self->udp_sender](std::vector<uint8_t> reply) {
                        if (self->stopped) return;
                        auto bytes = std::make_shared<std::vector<uint8_t>>(std::move(reply));
                        self->udp_socket.async_send_to(asio::buffer(*bytes), to,
                                                       [bytes](const error_code&, std::size_t) {});
                    });
            } else {
                SPDLOG_DEBUG("dns: udp receive: {}", ec.message());
            }
            self->receive_udp();
        });
}

void DnsServer::Impl::accept_tcp() {
    acceptor.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || self->stopped) return;
        if (!ec && self->sessions.size() < kMaxTcpSessions) {
            auto session = std::make_shared<TcpSession>(self, std::move(socket));
            self->sessions.insert(session);
            session->start();
        } else if (ec) {
            spdlog::warn("dns: accept on port {}: {}", self->port, ec.message());
        }
        self->accept_tcp();
    });
}

bool DnsServer::Impl::answer(std::vector<uint8_t> query, bool over_udp,
                             std::function<void(std::vector<uint8_t>)> reply) {
    dns::Resolution resolution;
    try {
        resolution = dns::resolve_query(query, records, forward, over_udp);
    } catch (const std::exception& e) {
        // A record that cannot be encoded (a name set with a bad label) must not stop the loop.
        spdlog::warn("dns: answering a query: {}", e.what());
        resolution = {dns::Resolution::Kind::Reply, dns::servfail_reply(query)};
    }
    switch (resolution.kind) {
        case dns::Resolution::Kind::Drop:
            return false;
        case dns::Resolution::Kind::Reply:
            if (resolution.reply.empty()) return false;
            reply(std::move(resolution.reply));
            return true;
        case dns::Resolution::Kind::Forward:
            break;
    }
    std::vector<udp::endpoint> targets;
    {
        std::lock_guard lock(upstream_mutex);
        targets = upstreams;
    }
    auto holder = std::make_shared<std::weak_ptr<dns::Forwarder>>();
    auto forwarder = std::make_shared<dns::Forwarder>(
        io, std::move(query), std::move(targets), kUpstreamTimeout,
        [self = shared_from_this(), holder, reply = std::move(reply)](std::vector<uint8_t> answer) {
            if (auto f = holder->lock()) self->forwarders.erase(f);
            if (!answer.empty()) reply(std::move(answer));
        });
    *holder = forwarder;
    forwarders.insert(forwarder);
    forwarder->start();
    return true;
}

DnsServer::DnsServer(asio::io_context& io, int netns_fd, uint32_t listen_addr, uint16_t port,
                     bool forward_upstream)
    : impl_(std::make_shared<Impl>(io, forward_upstream)) {
    with_context(fmt::format("start DNS server on {}", endpoint_text(listen_addr, port)),
                 [&] { impl_->open(netns_fd, listen_addr, port); });
    if (forward_upstream) set_upstreams(dns::host_nameservers());
    impl_->start();
}

DnsServer::~DnsServer() { impl_->stop(); }

void DnsServer::set_records(const std::string& owner, const std::vector<std::string>& names,
                            uint32_t address) {
    impl_->records.set(owner, names, address);
}

void DnsServer::remove_records(const std::string& owner) { impl_->records.remove(owner); }

uint16_t DnsServer::port() const { return impl_->port; }

void DnsServer::set_upstreams(const std::vector<std::pair<uint32_t, uint16_t>>& upstreams) {
    std::vector<udp::endpoint> endpoints;
    for (const auto& [address, port] : upstreams)
        endpoints.emplace_back(asio::ip::address_v4(address), port);
    std::lock_guard lock(impl_->upstream_mutex);
    impl_->upstreams = std::move(endpoints);
}

}  // namespace stk::net
