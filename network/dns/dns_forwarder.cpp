#include "network/dns/dns_forwarder.hpp"

#include <boost/asio/buffer.hpp>

#include "network/dns/dns_message.hpp"
#include "network/dns/dns_resolve.hpp"

namespace stk::net::dns {

using boost::asio::ip::udp;

Forwarder::Forwarder(boost::asio::io_context& io, std::vector<uint8_t> query,
                     std::vector<udp::endpoint> upstreams,
                     std::chrono::milliseconds per_upstream_timeout, Done done)
    : socket_(io),
      timer_(io),
      query_(std::move(query)),
      upstreams_(std::move(upstreams)),
      timeout_(per_upstream_timeout),
      done_(std::move(done)) {}

void Forwarder::start() { try_next(); }

void Forwarder::cancel() {
    finished_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
}

void Forwarder::try_next() {
    if (finished_) return;
    if (next_ >= upstreams_.size()) {
        finish(servfail_reply(query_));
        return;
    }
    const udp::endpoint upstream = upstreams_[next_++];
    unsigned attempt = ++attempt_;
    boost::system::error_code ec;
    socket_.close(ec);
    // A fresh socket (new source port) per attempt, so a late answer from the previous
    // upstream cannot be taken for this one's.
    socket_.open(udp::v4(), ec);
    if (!ec) socket_.connect(upstream, ec);
    if (!ec) socket_.send(boost::asio::buffer(query_), 0, ec);
    if (ec) {
        try_next();
        return;
    }
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this(), attempt](const boost::system::error_code& ec) {
        if (ec || self->finished_ || attempt != self->attempt_) return;
        self->try_next();
    });
    receive(attempt);
}

void Forwarder::receive(unsigned attempt) {
    socket_.async_receive(
        boost::asio::buffer(buffer_),
        [self = shared_from_this(), attempt](const boost::system::error_code& ec, std::size_t n) {
            if (self->finished_ || attempt != self->attempt_) return;
            if (ec == boost::asio::error::operation_aborted) return;
            if (ec) {
                // ECONNREFUSED from an ICMP port unreachable: go to the next upstream now.
                self->try_next();
                return;
            }
            std::span<const uint8_t> reply(self->buffer_.data(), n);
            auto header = peek_header(reply);
            auto query_header = peek_header(self->query_);
            if (!header || !header->response || !query_header || header->id != query_header->id) {
                self->receive(attempt);
                return;
            }
            self->finish({reply.begin(), reply.end()});
        });
}

void Forwarder::finish(std::vector<uint8_t> reply) {
    if (finished_) return;
    finished_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    if (done_) done_(std::move(reply));
}

}  // namespace stk::net::dns
