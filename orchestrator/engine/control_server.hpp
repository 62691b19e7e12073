#pragma once
// The supervisor's side of control_protocol.hpp: accepts connections on the Unix socket (mode
// 0600), reads one JSON line, hands it to the handler and writes the handler's reply (which
// may come later, from the loop), preceded by any progress lines the handler sends meanwhile.
// A stale socket file is replaced; the destructor unlinks it.
#include <filesystem>
#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "orchestrator/supervise/loop/asio_fwd.hpp"

namespace stk::engine {

class ControlServer {
public:
    // `after_sent` runs once the reply is written (or the client is gone).
    using Reply = std::function<void(const nlohmann::json& reply, std::function<void()> after_sent)>;
    // A step as it happens ("Container p-db-1  Stopped"), sent as {"progress": line} before the
    // reply; dropped once the reply went or the client is gone.
    using Progress = std::function<void(const std::string& line)>;
    using Handler = std::function<void(const nlohmann::json& request, Reply reply, Progress progress)>;

    // Throws Error naming the path when it cannot listen.
    ControlServer(supervise::IoContext& io, std::filesystem::path path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace stk::engine
