#pragma once
// The DNS server of one stack network: answers A queries for the stack's names on the gateway
// address inside the bridge netns, over UDP and TCP. Unknown names are NXDOMAIN at once, or
// forwarded to the host's resolvers when the network has egress. Records change live.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace stk::net {

// Construct and destroy it on the thread that runs `io`, or while no thread runs it; `io` must
// outlive it. The record and upstream setters may be called from any thread.
class DnsServer {
public:
    // Binds UDP and TCP on listen_addr:port (host byte order; port 0 = ephemeral, the same
    // port for both) with sockets created in `netns_fd`. Throws Error naming the address when
    // the bind fails. Serving runs on `io`.
    DnsServer(boost::asio::io_context& io, int netns_fd, uint32_t listen_addr, uint16_t port,
              bool forward_upstream);
    ~DnsServer();
    DnsServer(const DnsServer&) = delete;
    DnsServer& operator=(const DnsServer&) = delete;

    // Replaces the names `owner` (a container) answers for with `names` -> `address`.
    // Several owners may share a name: the name then answers all their addresses in rotation.
    // Thread-safe.
    void set_records(const std::string& owner, const std::vector<std::string>& names,
                     uint32_t address);
    void remove_records(const std::string& owner);
    uint16_t port() const;

    // Upstream resolvers used when forwarding (default: nameservers of /etc/resolv.conf that
    // are not loopback-only for this netns). Addresses in host byte order, port 53.
    void set_upstreams(const std::vector<std::pair<uint32_t, uint16_t>>& upstreams);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::net
