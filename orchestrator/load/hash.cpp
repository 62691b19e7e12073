#include "orchestrator/load/hash.hpp"

#include <openssl/evp.h>

#include "orchestrator/load/emit.hpp"
#include "runtime/sys/error.hpp"

namespace stk::load {

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw Error("sha256: EVP_Digest failed");
    static const char* const hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::string config_hash(const model::Service& service) {
    nlohmann::json j = service_to_json(service);
    for (const char* key : {"build", "pull_policy", "scale", "depends_on", "profiles"}) j.erase(key);
    if (auto d = j.find("deploy"); d != j.end()) {
        d->erase("replicas");
        if (d->empty()) j.erase(d);
    }
    // nlohmann::json keeps object keys sorted: dump() is canonical.
    return sha256_hex(j.dump());
}

}  // namespace stk::load
