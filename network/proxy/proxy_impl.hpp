#pragma once
// The two backends of PortProxy, chosen once by protocol. Internal (includes Asio).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <memory>

#include "network/proxy/port_proxy.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::net {

struct PortProxy::Impl {
    virtual ~Impl() = default;
    virtual uint16_t port() const = 0;
    // Closes the listener and every session; pending handlers end quietly.
    virtual void stop() = 0;
};

// Both bind at once and throw Error on failure; `bridge_netns` is where upstream sockets are
// created.
std::shared_ptr<PortProxy::Impl> make_tcp_proxy(boost::asio::io_context& io, UniqueFd bridge_netns,
                                                const boost::asio::ip::tcp::endpoint& listen,
                                                const boost::asio::ip::tcp::endpoint& target);
std::shared_ptr<PortProxy::Impl> make_udp_proxy(boost::asio::io_context& io, UniqueFd bridge_netns,
                                                const boost::asio::ip::udp::endpoint& listen,
                                                const boost::asio::ip::udp::endpoint& target,
                                                std::chrono::milliseconds idle_timeout);

}  // namespace stk::net
