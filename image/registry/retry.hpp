#pragma once
// Retries with exponential backoff for transient registry failures: no connection, a timeout,
// 5xx and 429. An HTTP answer such as 401, 403 or 404 is final and never retried.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "image/registry/http_client.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image::registry {

// A registry answered with an error status; `code` is the first code of its JSON error body
// ("MANIFEST_UNKNOWN", "UNAUTHORIZED", ...) when it sent one.
class RegistryError : public Error {
public:
    RegistryError(std::string message, unsigned status, std::string code)
        : Error(std::move(message)), status_(status), code_(std::move(code)) {}
    unsigned status() const noexcept { return status_; }
    const std::string& registry_code() const noexcept { return code_; }

private:
    unsigned status_;
    std::string code_;
};

struct RetryPolicy {
    int attempts = 4;  // in all, the first one included
    std::chrono::milliseconds initial{200};
    std::chrono::milliseconds max{5000};
    // How to wait; tests count the delays instead of sleeping.
    std::function<void(std::chrono::milliseconds)> sleep = [](std::chrono::milliseconds d) {
        std::this_thread::sleep_for(d);
    };
};

bool is_transient(const std::exception& e);

// The delay before attempt `n` (n >= 1 is the first retry): initial * 2^(n-1), capped.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int n);

// Runs `op` until it succeeds, fails with a final error, or the attempts are used up; the last
// error is rethrown as it was.
template <typename Op>
decltype(auto) with_retries(const RetryPolicy& policy, Op&& op) {
    for (int attempt = 1;; ++attempt) {
        try {
            return op();
        } catch (const std::exception& e) {
            if (attempt >= policy.attempts || !is_transient(e)) throw;
        }
        policy.sleep(backoff_delay(policy, attempt));
    }
}

}  // namespace stk::image::registry
