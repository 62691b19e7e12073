#include "network/proxy/udp_pktinfo.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstring>

#include "runtime/sys/error.hpp"

namespace stk::net {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

// Room for one IPv4 or IPv6 packet-info control message.
constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo));

std::optional<asio::ip::address> destination_of(msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return asio::ip::address_v4(ntohl(info.ipi_addr.s_addr));
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            asio::ip::address_v6::bytes_type bytes;
            std::memcpy(bytes.data(), &info.ipi6_addr, bytes.size());
            return asio::ip::address_v6(bytes);
        }
    }
    return std::nullopt;
}

}  // namespace

void enable_destination_info(udp::socket& socket) {
    const int one = 1;
    const bool v6 = socket.local_endpoint().protocol() == udp::v6();
    const int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    const int option = v6 ? IPV6_RECVPKTINFO : IP_PKTINFO;
    check_sys(::setsockopt(socket.native_handle(), level, option, &one, sizeof one),
              v6 ? "setsockopt IPV6_RECVPKTINFO" : "setsockopt IP_PKTINFO");
}

std::optional<ReceivedDatagram> receive_datagram(udp::socket& socket, uint8_t* buffer,
                                                 std::size_t capacity) {
    ReceivedDatagram d;
    alignas(cmsghdr) char control[kControlSize];
    iovec iov{buffer, capacity};
    msghdr msg{};
    msg.msg_name = d.sender.data();
    msg.msg_namelen = static_cast<socklen_t>(d.sender.capacity());
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do {
        n = ::recvmsg(socket.native_handle(), &msg, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
        throw boost::system::system_error(errno, boost::system::system_category(), "recvmsg");
    }
    d.size = static_cast<std::size_t>(n);
    d.sender.resize(msg.msg_namelen);
    d.destination = destination_of(msg);
    return d;
}

bool send_datagram(udp::socket& socket, const uint8_t* data, std::size_t size,
                   const udp::endpoint& to, const std::optional<asio::ip::address>& from) {
    alignas(cmsghdr) char control[kControlSize] = {};
    iovec iov{const_cast<uint8_t*>(data), size};
    msghdr msg{};
    msg.msg_name = const_cast<sockaddr*>(to.data());
    msg.msg_namelen = static_cast<socklen_t>(to.size());
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (from) {
        msg.msg_control = control;
        cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
        // `to` came from recvmsg on this socket, so its family is the socket's.
        if (to.protocol() == udp::v6()) {
            in6_pktinfo info{};
            auto v6 = from->is_v6() ? from->to_v6()
                                    : asio::ip::make_address_v6(asio::ip::v4_mapped, from->to_v4());
            auto bytes = v6.to_bytes();
            std::memcpy(&info.ipi6_addr, bytes.data(), bytes.size());
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        } else {
            in_pktinfo info{};
            info.ipi_spec_dst.s_addr = htonl(from->to_v4().to_uint());
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        }
    }
    ssize_t n;
    do {
        n = ::sendmsg(socket.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n >= 0) return true;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return false;
    throw boost::system::system_error(errno, boost::system::system_category(), "sendmsg");
}

}  // namespace stk::net
