#include "image/registry/retry.hpp"

namespace stk::image::registry {

bool is_transient(const std::exception& e) {
    if (dynamic_cast<const TransportError*>(&e)) return true;
    if (auto* r = dynamic_cast<const RegistryError*>(&e))
        return r->status() >= 500 || r->status() == 429 || r->status() == 408;
    return false;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int n) {
    auto d = policy.initial;
    for (int i = 1; i < n && d < policy.max; ++i) d *= 2;
    return std::min(d, policy.max);
}

}  // namespace stk::image::registry
