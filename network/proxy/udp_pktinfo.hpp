#pragma once
// Datagram I/O that knows which local address a datagram was sent to (IP_PKTINFO /
// IPV6_PKTINFO) and replies from that same address: a UDP socket bound to 0.0.0.0 would
// otherwise answer from whatever address the routing table picks, and clients that connect()ed
// to the address they used drop such replies. Internal to network/proxy (includes Asio).
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace stk::net {

// Asks the kernel to report each datagram's destination address on `socket` (open and bound).
// Throws Error when the option cannot be set.
void enable_destination_info(boost::asio::ip::udp::socket& socket);

struct ReceivedDatagram {
    std::size_t size = 0;
    boost::asio::ip::udp::endpoint sender;
    // The local address the datagram was sent to; unset if the kernel gave none.
    std::optional<boost::asio::ip::address> destination;
};

// One non-blocking recvmsg into `buffer`. nullopt when nothing is queued (EAGAIN); throws
// boost::system::system_error on other errors (the caller decides whether to go on).
std::optional<ReceivedDatagram> receive_datagram(boost::asio::ip::udp::socket& socket,
                                                 uint8_t* buffer, std::size_t capacity);

// One non-blocking sendmsg of `data` to `to`, from local address `from` when set. Returns
// false when the socket buffer is full (the datagram is dropped, as the network may drop it).
bool send_datagram(boost::asio::ip::udp::socket& socket, const uint8_t* data, std::size_t size,
                   const boost::asio::ip::udp::endpoint& to,
                   const std::optional<boost::asio::ip::address>& from);

}  // namespace stk::net
