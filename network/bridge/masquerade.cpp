#include "network/bridge/masquerade.hpp"

#include <memory>

#include "network/bridge/nftables_api.hpp"
#include "network/netns/net_namespace.hpp"
#include "runtime/sys/error.hpp"

namespace stk::net {

void install_masquerade(int netns_fd, const Subnet& subnet, const std::string& out_ifname) {
    std::string what = "masquerade " + subnet.to_string() + " out of \"" + out_ifname + "\"";
    // The ruleset text is built only from a validated subnet and an interface name we made.
    std::string rules =
        "add table ip stk_egress\n"
        "add chain ip stk_egress postrouting { type nat hook postrouting priority srcnat; }\n"
        "add rule ip stk_egress postrouting ip saddr " +
        subnet.to_string() + " oifname \"" + out_ifname + "\" masquerade\n";
    const NftablesApi* api = nullptr;
    with_context(what, [&] { api = &nftables_api(); });
    const NftablesApi& nft = *api;
    in_netns(netns_fd, [&] {
        // The context's netlink socket belongs to the namespace current when it is made.
        std::unique_ptr<nft_ctx, void (*)(nft_ctx*)> ctx(nft.ctx_new(NFT_CTX_DEFAULT),
                                                         nft.ctx_free);
        if (!ctx) throw Error(what + ": cannot create an nftables context");
        nft.ctx_buffer_error(ctx.get());
        if (nft.run_cmd_from_buffer(ctx.get(), rules.c_str()) != 0) {
            const char* text = nft.ctx_get_error_buffer(ctx.get());
            throw Error(what + ": " + (text && *text ? text : "nftables refused the rule"));
        }
    });
}

}  // namespace stk::net
