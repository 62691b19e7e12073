#pragma once
// Ctrl-C handling of an attached `stack up`: the first SIGINT (or SIGTERM) asks for a graceful
// stop, any further one for a kill. Delivered on the loop's thread through asio::signal_set.
#include <functional>
#include <memory>

#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::supervise {

class ShutdownSignals {
public:
    ShutdownSignals(IoContext& io, std::function<void()> graceful, std::function<void()> kill);
    ~ShutdownSignals();
    ShutdownSignals(const ShutdownSignals&) = delete;
    ShutdownSignals& operator=(const ShutdownSignals&) = delete;

    int received() const;
    // Stops listening (the process's previous dispositions come back).
    void close();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::supervise
