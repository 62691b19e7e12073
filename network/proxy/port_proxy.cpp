#include "network/proxy/port_proxy.hpp"

#include <fcntl.h>
#include <fmt/format.h>

#include "network/proxy/proxy_impl.hpp"
#include "runtime/sys/error.hpp"

namespace stk::net {

namespace asio = boost::asio;

PortProxy::PortProxy(asio::io_context& io, int bridge_netns_fd, const PortBinding& binding,
                     std::chrono::milliseconds udp_idle_timeout) {
    const std::string what = fmt::format(
        "publish {} port {}:{} -> {}.{}.{}.{}:{}", binding.protocol, binding.host_ip,
        binding.host_port, binding.container_ip >> 24, (binding.container_ip >> 16) & 0xff,
        (binding.container_ip >> 8) & 0xff, binding.container_ip & 0xff, binding.container_port);
    with_context(what, [&] {
        boost::system::error_code ec;
        auto host_address = asio::ip::make_address(binding.host_ip, ec);
        if (ec) throw Error(fmt::format("invalid host_ip \"{}\"", binding.host_ip), ec);
        const auto target = asio::ip::address_v4(binding.container_ip);
        UniqueFd netns(::fcntl(bridge_netns_fd, F_DUPFD_CLOEXEC, 0));
        if (!netns) throw_errno(fmt::format("dup netns fd {}", bridge_netns_fd));
        if (binding.protocol == "tcp") {
            impl_ = make_tcp_proxy(io, std::move(netns), {host_address, binding.host_port},
                                   {target, binding.container_port});
        } else if (binding.protocol == "udp") {
            impl_ = make_udp_proxy(io, std::move(netns), {host_address, binding.host_port},
                                   {target, binding.container_port}, udp_idle_timeout);
        } else {
            throw Error(fmt::format("unsupported protocol \"{}\"", binding.protocol));
        }
    });
}

PortProxy::~PortProxy() {
    if (impl_) impl_->stop();
}

uint16_t PortProxy::bound_port() const { return impl_->port(); }

}  // namespace stk::net
