#include "network/netlink/link_ops.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include <cstring>
#include <memory>

#include "runtime/sys/error.hpp"

namespace stk::net {
namespace {

struct LinkPut {
    void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrPut {
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtAddrPut {
    void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RoutePut {
    void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct CachePut {
    void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using NlAddrPtr = std::unique_ptr<nl_addr, AddrPut>;
using CachePtr = std::unique_ptr<nl_cache, CachePut>;

bool is_absent(int err) { return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV; }

std::string in_quotes(const std::string& name) { return "\"" + name + "\""; }

void check_ifname(const std::string& name) {
    if (name.empty() || name.size() >= IFNAMSIZ) {
        throw Error("interface name " + in_quotes(name) + " must be 1.." +
                    std::to_string(IFNAMSIZ - 1) + " characters");
    }
}

LinkPtr get_link(const NlSocket& sock, const std::string& name) {
    rtnl_link* link = nullptr;
    check_nl(rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link),
             "look up interface " + in_quotes(name));
    return LinkPtr(link);
}

NlAddrPtr ipv4_addr(uint32_t address, int prefix) {
    uint32_t be = htonl(address);
    nl_addr* a = nl_addr_build(AF_INET, &be, sizeof be);
    if (!a) throw Error("build netlink address: out of memory");
    nl_addr_set_prefixlen(a, prefix);
    return NlAddrPtr(a);
}

LinkPtr alloc_link() {
    rtnl_link* l = rtnl_link_alloc();
    if (!l) throw Error("allocate netlink link: out of memory");
    return LinkPtr(l);
}

void change_link(const NlSocket& sock, const std::string& name, const std::string& what,
                 void (*edit)(rtnl_link*, int), int value) {
    auto orig = get_link(sock, name);
    auto change = alloc_link();
    edit(change.get(), value);
    check_nl(rtnl_link_change(sock.get(), orig.get(), change.get(), 0),
             what + " " + in_quotes(name));
}

}  // namespace

std::optional<int> link_index(const NlSocket& sock, const std::string& name) {
    rtnl_link* link = nullptr;
    int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link);
    if (is_absent(err)) return std::nullopt;
    check_nl(err, "look up interface " + in_quotes(name));
    LinkPtr owned(link);
    return rtnl_link_get_ifindex(link);
}

int require_link_index(const NlSocket& sock, const std::string& name) {
    return rtnl_link_get_ifindex(get_link(sock, name).get());
}

std::vector<std::string> link_names(const NlSocket& sock) {
    nl_cache* raw = nullptr;
    check_nl(rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw), "list interfaces");
    CachePtr cache(raw);
    std::vector<std::string> names;
    for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
        if (const char* n = rtnl_link_get_name(reinterpret_cast<rtnl_link*>(o))) {
            names.emplace_back(n);
        }
    }
    return names;
}

void create_bridge(const NlSocket& sock, const std::string& name,
                   const std::array<uint8_t, 6>& mac) {
    check_ifname(name);
    LinkPtr link(rtnl_link_bridge_alloc());
    if (!link) throw Error("allocate bridge link: out of memory");
    rtnl_link_set_name(link.get(), name.c_str());
    NlAddrPtr hw(nl_addr_build(AF_LLC, mac.data(), mac.size()));
    if (!hw) throw Error("build a MAC address: out of memory");
    rtnl_link_set_addr(link.get(), hw.get());
    check_nl(rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL),
             "create bridge " + in_quotes(name));
}

std::string link_hwaddr(const NlSocket& sock, const std::string& name) {
    auto link = get_link(sock, name);
    nl_addr* hw = rtnl_link_get_addr(link.get());
    if (!hw) throw Error("interface " + in_quotes(name) + " has no hardware address");
    char buf[64];
    return nl_addr2str(hw, buf, sizeof buf);
}

void create_veth(const NlSocket& sock, const std::string& name, const std::string& peer_name,
                 int peer_netns_fd) {
    check_ifname(name);
    check_ifname(peer_name);
    rtnl_link* raw = rtnl_link_veth_alloc();
    if (!raw) throw Error("allocate veth link: out of memory");
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> link(raw, rtnl_link_veth_release);
    rtnl_link_set_name(raw, name.c_str());
    // get_peer takes a reference of its own.
    LinkPtr peer(rtnl_link_veth_get_peer(raw));
    rtnl_link_set_name(peer.get(), peer_name.c_str());
    // The kernel creates the peer straight in its target namespace: it never exists here.
    if (peer_netns_fd >= 0) rtnl_link_set_ns_fd(peer.get(), peer_netns_fd);
    check_nl(rtnl_link_add(sock.get(), raw, NLM_F_CREATE | NLM_F_EXCL),
             "create veth pair " + in_quotes(name) + " / " + in_quotes(peer_name));
}

void set_link_up(const NlSocket& sock, const std::string& name) {
    change_link(
        sock, name, "bring up", [](rtnl_link* l, int) { rtnl_link_set_flags(l, IFF_UP); }, 0);
}

void set_link_master(const NlSocket& sock, const std::string& name, const std::string& master) {
    int master_index = require_link_index(sock, master);
    change_link(
        sock, name, "attach to " + in_quotes(master) + ":",
        [](rtnl_link* l, int index) { rtnl_link_set_master(l, index); }, master_index);
}

bool delete_link(const NlSocket& sock, const std::string& name) {
    auto link = alloc_link();
    rtnl_link_set_name(link.get(), name.c_str());
    int err = rtnl_link_delete(sock.get(), link.get());
    if (is_absent(err)) return false;
    check_nl(err, "delete interface " + in_quotes(name));
    return true;
}

void add_address(const NlSocket& sock, const std::string& ifname, uint32_t address, int prefix) {
    std::string what = "add address " + ipv4_to_string(address) + "/" + std::to_string(prefix) +
                       " to " + in_quotes(ifname);
    int index = with_context(what, [&] { return require_link_index(sock, ifname); });
    std::unique_ptr<rtnl_addr, RtAddrPut> addr(rtnl_addr_alloc());
    if (!addr) throw Error(what + ": out of memory");
    rtnl_addr_set_ifindex(addr.get(), index);
    rtnl_addr_set_family(addr.get(), AF_INET);
    auto local = ipv4_addr(address, prefix);
    check_nl(rtnl_addr_set_local(addr.get(), local.get()), what);
    if (prefix < 31) {
        auto brd = ipv4_addr(Subnet::containing(address, prefix).broadcast(), prefix);
        check_nl(rtnl_addr_set_broadcast(addr.get(), brd.get()), what);
    }
    check_nl(rtnl_addr_add(sock.get(), addr.get(), 0), what);
}

std::vector<std::pair<uint32_t, int>> link_addresses(const NlSocket& sock,
                                                     const std::string& ifname) {
    int index = require_link_index(sock, ifname);
    nl_cache* raw = nullptr;
    check_nl(rtnl_addr_alloc_cache(sock.get(), &raw), "list addresses of " + in_quotes(ifname));
    CachePtr cache(raw);
    std::vector<std::pair<uint32_t, int>> out;
    for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
        auto* a = reinterpret_cast<rtnl_addr*>(o);
        if (rtnl_addr_get_ifindex(a) != index || rtnl_addr_get_family(a) != AF_INET) continue;
        nl_addr* local = rtnl_addr_get_local(a);
        if (!local || nl_addr_get_len(local) != 4) continue;
        uint32_t be = 0;
        std::memcpy(&be, nl_addr_get_binary_addr(local), 4);
        out.emplace_back(ntohl(be), rtnl_addr_get_prefixlen(a));
    }
    return out;
}

void add_default_route(const NlSocket& sock, uint32_t gateway) {
    std::string what = "add default route via " + ipv4_to_string(gateway);
    std::unique_ptr<rtnl_route, RoutePut> route(rtnl_route_alloc());
    if (!route) throw Error(what + ": out of memory");
    rtnl_route_set_family(route.get(), AF_INET);
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_protocol(route.get(), RTPROT_STATIC);
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    auto dst = ipv4_addr(0, 0);
    check_nl(rtnl_route_set_dst(route.get(), dst.get()), what);
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (!nh) throw Error(what + ": out of memory");
    auto gw = ipv4_addr(gateway, 32);
    rtnl_route_nh_set_gateway(nh, gw.get());
    rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here on
    check_nl(rtnl_route_add(sock.get(), route.get(), NLM_F_CREATE | NLM_F_REPLACE), what);
}

std::vector<Subnet> route_destinations(const NlSocket& sock) {
    nl_cache* raw = nullptr;
    check_nl(rtnl_route_alloc_cache(sock.get(), AF_INET, 0, &raw), "list routes");
    CachePtr cache(raw);
    std::vector<Subnet> out;
    for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
        auto* r = reinterpret_cast<rtnl_route*>(o);
        nl_addr* dst = rtnl_route_get_dst(r);
        if (!dst || nl_addr_get_family(dst) != AF_INET) continue;
        int prefix = static_cast<int>(nl_addr_get_prefixlen(dst));
        if (prefix == 0 || nl_addr_get_len(dst) != 4) continue;  // default routes
        uint32_t be = 0;
        std::memcpy(&be, nl_addr_get_binary_addr(dst), 4);
        out.push_back(Subnet::containing(ntohl(be), prefix));
    }
    return out;
}

}  // namespace stk::net
