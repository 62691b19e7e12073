#pragma once
// A published port: a userland proxy listening in the host namespace on host_ip:host_port that,
// for each client, dials container_ip:container_port through a socket created inside the bridge
// netns. TCP copies both ways with half-close; UDP keeps one upstream socket per client address
// and drops it after an idle timeout. A port range is several PortProxy objects.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace stk::net {

struct PortBinding {
    std::string protocol = "tcp";  // "tcp" or "udp"
    std::string host_ip = "0.0.0.0";
    uint16_t host_port = 0;     // 0 = ephemeral
    uint32_t container_ip = 0;  // host byte order
    uint16_t container_port = 0;
};

// Construct and destroy it on the thread that runs `io`, or while no thread runs it; `io` must
// outlive it.
class PortProxy {
public:
    // Binds now: a port already in use throws Error naming "host_ip:host_port".
    PortProxy(boost::asio::io_context& io, int bridge_netns_fd, const PortBinding& binding,
              std::chrono::milliseconds udp_idle_timeout = std::chrono::seconds(90));
    // Closes the listener and every session.
    ~PortProxy();
    PortProxy(const PortProxy&) = delete;
    PortProxy& operator=(const PortProxy&) = delete;

    uint16_t bound_port() const;

    // The TCP or UDP backend (network/proxy/proxy_impl.hpp); opaque to users.
    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::net
