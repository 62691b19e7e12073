#include "orchestrator/supervise/loop/timer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace stk::supervise {

struct Timer::Impl {
    explicit Impl(IoContext& io) : timer(io) {}
    boost::asio::steady_timer timer;
    uint64_t generation = 0;  // a completion from an older arming is ignored
    bool armed = false;
};

Timer::Timer(IoContext& io) : impl_(std::make_shared<Impl>(io)) {}

Timer::~Timer() { cancel(); }

void Timer::at(TimePoint when, std::function<void()> fn) {
    uint64_t gen = ++impl_->generation;
    impl_->armed = true;
    impl_->timer.expires_at(when);
    std::weak_ptr<Impl> weak = impl_;
    impl_->timer.async_wait([weak, gen, fn = std::move(fn)](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->generation != gen) return;
        self->armed = false;
        fn();
    });
}

void Timer::cancel() {
    ++impl_->generation;
    impl_->armed = false;
    impl_->timer.cancel();
}

bool Timer::armed() const { return impl_->armed; }

}  // namespace stk::supervise
