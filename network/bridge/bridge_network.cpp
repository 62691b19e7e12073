#include "network/bridge/bridge_network.hpp"

#include <fcntl.h>

#include <cstdio>

#include "network/bridge/egress.hpp"
#include "network/netlink/link_ops.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::net {
namespace {

constexpr const char* kPrefix = "stk";

void check_id(const std::string& id) {
    bool ok = !id.empty() && id.size() <= BridgeNetwork::kMaxIdLength;
    for (char c : id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    if (!ok) {
        throw Error("invalid network id \"" + id + "\" (1.." +
                    std::to_string(BridgeNetwork::kMaxIdLength) + " of [a-z0-9])");
    }
}

std::string netns_name_for(const std::string& id) { return kPrefix + id; }

// A locally administered unicast MAC derived from the id, stable across re-creation.
std::array<uint8_t, 6> bridge_mac_for(const std::string& id) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
    return {0x02,
            static_cast<uint8_t>(h >> 32),
            static_cast<uint8_t>(h >> 24),
            static_cast<uint8_t>(h >> 16),
            static_cast<uint8_t>(h >> 8),
            static_cast<uint8_t>(h)};
}

UniqueFd dup_fd(int fd) {
    UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy) throw_errno("duplicate namespace fd " + std::to_string(fd));
    return copy;
}

void delete_in(int netns_fd, const std::string& name) {
    auto sock = NlSocket::open_in(netns_fd);
    delete_link(sock, name);
}

}  // namespace

std::string egress_outside_name(const std::string& id) { return kPrefix + id + "eg"; }
std::string egress_inside_name(const std::string& id) { return kPrefix + id + "up"; }

VethAttachment::VethAttachment(UniqueFd bridge_netns_fd, std::string host_end_name)
    : bridge_netns_fd_(std::move(bridge_netns_fd)), host_end_name_(std::move(host_end_name)) {}

VethAttachment& VethAttachment::operator=(VethAttachment&& other) noexcept {
    if (this != &other) {
        remove();
        bridge_netns_fd_ = std::move(other.bridge_netns_fd_);
        host_end_name_ = std::move(other.host_end_name_);
        committed_ = std::exchange(other.committed_, true);
    }
    return *this;
}

VethAttachment::~VethAttachment() { remove(); }

void VethAttachment::remove() noexcept {
    if (committed_ || !bridge_netns_fd_) return;
    committed_ = true;
    try {
        delete_in(bridge_netns_fd_.get(), host_end_name_);
    } catch (const std::exception& e) {
        spdlog::warn("undo veth \"{}\": {}", host_end_name_, e.what());
    }
}

BridgeNetwork::BridgeNetwork(std::string id, NetNamespace netns, Subnet subnet, bool egress,
                             bool owned)
    : id_(std::move(id)),
      netns_(std::move(netns)),
      subnet_(subnet),
      egress_(egress),
      owned_(owned) {
    netns_.release();  // whether the namespace goes with this object is owned_'s decision
}

BridgeNetwork::BridgeNetwork(BridgeNetwork&& other) noexcept
    : id_(std::move(other.id_)),
      netns_(std::move(other.netns_)),
      subnet_(other.subnet_),
      egress_(other.egress_),
      owned_(std::exchange(other.owned_, false)) {}

BridgeNetwork& BridgeNetwork::operator=(BridgeNetwork&& other) noexcept {
    if (this != &other) {
        if (owned_) destroy();
        id_ = std::move(other.id_);
        netns_ = std::move(other.netns_);
        subnet_ = other.subnet_;
        egress_ = other.egress_;
        owned_ = std::exchange(other.owned_, false);
    }
    return *this;
}

BridgeNetwork::~BridgeNetwork() {
    if (owned_) destroy();
}

std::string BridgeNetwork::bridge_name() const { return kPrefix + id_ + "br"; }

BridgeNetwork BridgeNetwork::create(const std::string& id, const Subnet& subnet, bool egress) {
    if (!egress) return create(id, subnet, std::optional<EgressOptions>{});
    UniqueFd own(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!own) throw_errno("open /proc/thread-self/ns/net");
    return create(id, subnet, EgressOptions{own.get()});
}

BridgeNetwork BridgeNetwork::create(const std::string& id, const Subnet& subnet,
                                    const std::optional<EgressOptions>& egress) {
    return with_context("create network \"" + id + "\" (" + subnet.to_string() + ")", [&] {
        check_id(id);
        if (subnet.prefix > 30) throw Error("a network needs at least a /30");
        // Owned from here: any failure below removes the namespace and all it holds.
        auto netns = NetNamespace::create(netns_name_for(id));
        BridgeNetwork net(id, std::move(netns), subnet, egress.has_value(), true);
        auto sock = NlSocket::open_in(net.netns_fd());
        const auto bridge = net.bridge_name();
        set_link_up(sock, "lo");
        create_bridge(sock, bridge, bridge_mac_for(id));
        add_address(sock, bridge, subnet.gateway(), subnet.prefix);
        set_link_up(sock, bridge);
        if (egress) {
            setup_egress(sock, net.netns_fd(), egress->outside_netns_fd, id, bridge, subnet);
        }
        return net;
    });
}

BridgeNetwork BridgeNetwork::open(const std::string& id) {
    return with_context("open network \"" + id + "\"", [&] {
        check_id(id);
        auto netns = NetNamespace::open(netns_name_for(id));
        auto sock = NlSocket::open_in(netns.fd());
        std::string bridge = kPrefix + id + "br";
        auto addresses = link_addresses(sock, bridge);
        if (addresses.empty()) throw Error("bridge \"" + bridge + "\" has no address");
        auto subnet = Subnet::containing(addresses.front().first, addresses.front().second);
        bool egress = link_index(sock, egress_inside_name(id)).has_value();
        return BridgeNetwork(id, std::move(netns), subnet, egress, false);
    });
}

bool BridgeNetwork::exists(const std::string& id) {
    return NetNamespace::exists(netns_name_for(id));
}

void BridgeNetwork::remove(const std::string& id) noexcept {
    try {
        check_id(id);
        const auto name = netns_name_for(id);
        if (!NetNamespace::exists(name)) {
            std::filesystem::remove(NetNamespace::path_for(name));  // an unmounted leftover
            return;
        }
        auto netns = NetNamespace::open(name);
        delete_in(netns.fd(), egress_inside_name(id));
        netns.destroy();
    } catch (const std::exception& e) {
        spdlog::warn("remove network \"{}\": {}", id, e.what());
    }
}

std::string BridgeNetwork::host_end_name_for(int container_netns_fd, const std::string& ifname) {
    // The namespace inode is unique among live namespaces; a short hash tells interfaces apart.
    uint32_t h = 2166136261u;
    for (unsigned char c : ifname) h = (h ^ c) * 16777619u;
    char buf[16];
    std::snprintf(buf, sizeof buf, "stk%08lx%04x", netns_inode(container_netns_fd) & 0xffffffffUL,
                  h & 0xffff);
    return buf;
}

VethAttachment BridgeNetwork::attach(int container_netns_fd, const std::string& ifname,
                                     uint32_t address, bool default_route) {
    const auto host_end = host_end_name_for(container_netns_fd, ifname);
    return with_context(
        "attach " + ipv4_to_string(address) + " as \"" + ifname + "\" to network \"" + id_ + "\"",
        [&] {
            if (!subnet_.contains(address) || address == subnet_.gateway() ||
                address == subnet_.network || address == subnet_.broadcast()) {
                throw Error("not a container address of " + subnet_.to_string());
            }
            auto bridge_sock = NlSocket::open_in(netns_fd());
            // 1. The pair is made here with its peer born in the container's namespace.
            create_veth(bridge_sock, host_end, ifname, container_netns_fd);
            VethAttachment guard(dup_fd(netns_fd()), host_end);
            // 2. Bridge side.
            set_link_master(bridge_sock, host_end, bridge_name());
            set_link_up(bridge_sock, host_end);
            // 3. Container side, through a socket opened in the container's namespace.
            auto container_sock = NlSocket::open_in(container_netns_fd);
            set_link_up(container_sock, "lo");
            add_address(container_sock, ifname, address, subnet_.prefix);
            set_link_up(container_sock, ifname);
            if (default_route) add_default_route(container_sock, gateway());
            return guard;
        });
}

void BridgeNetwork::detach(const std::string& host_end_name) noexcept {
    try {
        delete_in(netns_fd(), host_end_name);
    } catch (const std::exception& e) {
        spdlog::warn("network \"{}\": detach \"{}\": {}", id_, host_end_name, e.what());
    }
}

void BridgeNetwork::release() noexcept { owned_ = false; }

void BridgeNetwork::destroy() noexcept {
    owned_ = false;
    if (egress_ && netns_.fd() >= 0) {
        // Deleting our end removes the outside end at once, rather than when the namespace's
        // asynchronous cleanup runs.
        try {
            delete_in(netns_.fd(), egress_inside_name(id_));
        } catch (const std::exception& e) {
            spdlog::warn("network \"{}\": remove egress link: {}", id_, e.what());
        }
    }
    netns_.destroy();
}

}  // namespace stk::net
