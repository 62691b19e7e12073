#pragma once
// libnftables, loaded with dlopen on first use instead of linked: only a network with egress
// needs it, and linking it (with libnftnl, libmnl, libxtables, libjansson, libgmp) costs every
// start of the `stack` binary ~0.9 ms of relocation work, a tenth of a container start.
#include <nftables/libnftables.h>

namespace stk::net {

struct NftablesApi {
    decltype(&::nft_ctx_new) ctx_new;
    decltype(&::nft_ctx_free) ctx_free;
    decltype(&::nft_ctx_buffer_error) ctx_buffer_error;
    decltype(&::nft_ctx_get_error_buffer) ctx_get_error_buffer;
    decltype(&::nft_run_cmd_from_buffer) run_cmd_from_buffer;
};

// Loads the library once per process (thread-safe); throws Error naming it when it or a symbol
// is missing.
const NftablesApi& nftables_api();

}  // namespace stk::net
