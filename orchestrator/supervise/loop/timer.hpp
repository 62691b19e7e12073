#pragma once
// A one-shot timer on the loop: arming again replaces the pending callback; cancel() and the
// destructor guarantee the callback does not run afterwards.
#include <functional>
#include <memory>

#include "orchestrator/supervise/clock.hpp"
#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::supervise {

class Timer {
public:
    explicit Timer(IoContext& io);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void at(TimePoint when, std::function<void()> fn);
    void after(Duration delay, std::function<void()> fn) {
        at(Clock::now() + delay, std::move(fn));
    }
    void cancel();
    bool armed() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::supervise
