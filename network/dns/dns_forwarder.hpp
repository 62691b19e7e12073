#pragma once
// Relays one query to the upstream resolvers over UDP from the supervisor's own namespace,
// trying each in turn with a timeout; SERVFAIL when none answers. Internal to the DNS server
// (it includes Asio).
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace stk::net::dns {

class Forwarder : public std::enable_shared_from_this<Forwarder> {
public:
    using Done = std::function<void(std::vector<uint8_t> reply)>;

    Forwarder(boost::asio::io_context& io, std::vector<uint8_t> query,
              std::vector<boost::asio::ip::udp::endpoint> upstreams,
              std::chrono::milliseconds per_upstream_timeout, Done done);

    void start();
    // Quiet stop: `done` is not called.
    void cancel();

private:
    void try_next();
    void receive(unsigned attempt);
    void finish(std::vector<uint8_t> reply);

    boost::asio::ip::udp::socket socket_;
    boost::asio::steady_timer timer_;
    std::vector<uint8_t> query_;
    std::vector<boost::asio::ip::udp::endpoint> upstreams_;
    std::chrono::milliseconds timeout_;
    Done done_;
    std::size_t next_ = 0;
    unsigned attempt_ = 0;
    bool finished_ = false;
    std::array<uint8_t, 65535> buffer_{};
    boost::asio::ip::udp::endpoint sender_;
};

}  // namespace stk::net::dns
