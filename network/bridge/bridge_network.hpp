#pragma once
// One stack network: a bridge inside a network namespace of its own, veth pairs to containers,
// and optional egress. Nothing of it appears in the host's namespace (except the egress link,
// when asked for, in the namespace given as "outside").
#include <cstdint>
#include <optional>
#include <string>

#include "network/ipam/subnet.hpp"
#include "network/netns/net_namespace.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::net {

// The veth between a network's bridge and a container. Deletes the pair when destroyed unless
// commit()ted.
class VethAttachment {
public:
    VethAttachment(UniqueFd bridge_netns_fd, std::string host_end_name);
    VethAttachment(VethAttachment&&) noexcept = default;
    VethAttachment& operator=(VethAttachment&&) noexcept;
    VethAttachment(const VethAttachment&) = delete;
    VethAttachment& operator=(const VethAttachment&) = delete;
    ~VethAttachment();

    const std::string& host_end_name() const noexcept { return host_end_name_; }
    void commit() noexcept { committed_ = true; }

private:
    void remove() noexcept;
    UniqueFd bridge_netns_fd_;
    std::string host_end_name_;
    bool committed_ = false;
};

// Egress: a veth from the bridge namespace to `outside_netns_fd` (the host's namespace in
// production, a namespace the test made in tests) plus masquerading in the bridge namespace.
struct EgressOptions {
    int outside_netns_fd = -1;
};

class BridgeNetwork {
public:
    // Limits on `id`: [a-z0-9], 1..10 characters, so that every interface name fits in 15.
    static constexpr std::size_t kMaxIdLength = 10;

    // Creates netns "stk<id>" with bridge "stk<id>br" holding the gateway address, lo up.
    // With egress = true the outside is the calling thread's namespace. The returned object
    // destroys the network when it goes away unless release()d.
    static BridgeNetwork create(const std::string& id, const Subnet& subnet, bool egress);
    static BridgeNetwork create(const std::string& id, const Subnet& subnet,
                                const std::optional<EgressOptions>& egress);
    // Opens a network made by an earlier process; the object does not destroy it on exit.
    static BridgeNetwork open(const std::string& id);
    static bool exists(const std::string& id);
    // Removes network `id` whatever state an earlier process left it in (`down` after a crash,
    // a create that died halfway); an absent network is not an error.
    static void remove(const std::string& id) noexcept;

    BridgeNetwork(BridgeNetwork&& other) noexcept;
    BridgeNetwork& operator=(BridgeNetwork&&) noexcept;
    ~BridgeNetwork();

    const std::string& id() const noexcept { return id_; }
    int netns_fd() const noexcept { return netns_.fd(); }
    const std::string& netns_name() const noexcept { return netns_.name(); }
    const Subnet& subnet() const noexcept { return subnet_; }
    uint32_t gateway() const noexcept { return subnet_.gateway(); }
    std::string bridge_name() const;
    bool egress() const noexcept { return egress_; }

    // The host-end name attach() uses for a container namespace and interface name: stable,
    // so a later process can detach without having kept the attachment.
    static std::string host_end_name_for(int container_netns_fd, const std::string& ifname);

    // One veth pair, created inside the bridge namespace with its peer placed directly in the
    // container's namespace as `ifname` (nothing appears elsewhere, even transiently): host end
    // on the bridge, `address`/prefix on the peer, both up, lo up in the container, default
    // route via the gateway when `default_route`. Independent of any process in the container.
    VethAttachment attach(int container_netns_fd, const std::string& ifname, uint32_t address,
                          bool default_route);
    // Deletes the veth pair (both ends); absent is not an error.
    void detach(const std::string& host_end_name) noexcept;
    // Keeps the network when this object goes away.
    void release() noexcept;
    // Removes the egress link and the namespace (and with it the bridge and the veths).
    void destroy() noexcept;

private:
    BridgeNetwork(std::string id, NetNamespace netns, Subnet subnet, bool egress, bool owned);
    std::string id_;
    NetNamespace netns_;
    Subnet subnet_;
    bool egress_ = false;
    bool owned_ = false;
};

// Names of the egress link's ends: outside (in the outside namespace) and inside.
std::string egress_outside_name(const std::string& id);
std::string egress_inside_name(const std::string& id);

}  // namespace stk::net
