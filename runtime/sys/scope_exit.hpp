#pragma once
#include <utility>

namespace stk {

// Runs a callable when the scope ends unless dismissed: the "undo unless committed" guard.
template <typename Fn>
class ScopeExit {
public:
    explicit ScopeExit(Fn fn) : fn_(std::move(fn)) {}
    ScopeExit(ScopeExit&& other) noexcept : fn_(std::move(other.fn_)), armed_(other.armed_) {
        other.armed_ = false;
    }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;
    ~ScopeExit() {
        if (armed_) {
            try {
                fn_();
            } catch (...) {
                // Cleanup never throws out of a destructor.
            }
        }
    }
    void dismiss() noexcept { armed_ = false; }

private:
    Fn fn_;
    bool armed_ = true;
};

}  // namespace stk
