#include "network/bridge/nftables_api.hpp"

#include <dlfcn.h>

#include <string>

#include "runtime/sys/error.hpp"

namespace stk::net {
namespace {

constexpr const char* kLibrary = "libnftables.so.1";

template <typename Fn>
void bind(void* lib, const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(::dlsym(lib, name));
    if (!fn) throw Error(std::string(kLibrary) + ": no symbol " + name);
}

NftablesApi load() {
    // Never closed: the functions stay valid for the life of the process.
    void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(std::string("load ") + kLibrary + ": " + (why ? why : "unknown error"));
    }
    NftablesApi api{};
    bind(lib, "nft_ctx_new", api.ctx_new);
    bind(lib, "nft_ctx_free", api.ctx_free);
    bind(lib, "nft_ctx_buffer_error", api.ctx_buffer_error);
    bind(lib, "nft_ctx_get_error_buffer", api.ctx_get_error_buffer);
    bind(lib, "nft_run_cmd_from_buffer", api.run_cmd_from_buffer);
    return api;
}

}  // namespace

const NftablesApi& nftables_api() {
    static const NftablesApi api = load();
    return api;
}

}  // namespace stk::net
