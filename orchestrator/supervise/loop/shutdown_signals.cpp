#include "orchestrator/supervise/loop/shutdown_signals.hpp"

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace stk::supervise {

struct ShutdownSignals::Impl : std::enable_shared_from_this<Impl> {
    Impl(IoContext& io, std::function<void()> g, std::function<void()> k)
        : signals(io, SIGINT, SIGTERM), graceful(std::move(g)), kill(std::move(k)) {}

    void arm() {
        signals.async_wait(
            [weak = weak_from_this()](const boost::system::error_code& ec, int signo) {
                auto self = weak.lock();
                if (!self || ec) return;
                ++self->count;
                self->arm();
                if (self->count == 1) {
                    if (self->graceful) self->graceful();
                } else if (self->kill) {
                    self->kill();
                }
            });
    }

    boost::asio::signal_set signals;
    std::function<void()> graceful;
    std::function<void()> kill;
    int count = 0;
};

ShutdownSignals::ShutdownSignals(IoContext& io, std::function<void()> graceful,
                                 std::function<void()> kill)
    : impl_(std::make_shared<Impl>(io, std::move(graceful), std::move(kill))) {
    impl_->arm();
}

ShutdownSignals::~ShutdownSignals() { close(); }

int ShutdownSignals::received() const { return impl_->count; }

void ShutdownSignals::close() {
    boost::system::error_code ignored;
    impl_->signals.cancel(ignored);
    impl_->signals.clear(ignored);
}

}  // namespace stk::supervise
