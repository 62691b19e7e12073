#include "orchestrator/engine/control_server.hpp"

#include <sys/stat.h>

#include <deque>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "orchestrator/engine/control_protocol.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::engine {
namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

// Requests are small; a client that sends more than this without a newline is cut off.
constexpr size_t kMaxRequest = 1 << 20;

struct Session : std::enable_shared_from_this<Session> {
    Session(Local::socket s, ControlServer::Handler& h) : socket(std::move(s)), handler(h),
                                                          buffer(kMaxRequest) {}

    void start() {
        asio::async_read_until(socket, buffer, '\n',
                               [self = shared_from_this()](const boost::system::error_code& ec,
                                                           size_t n) { self->on_request(ec, n); });
    }

    void on_request(const boost::system::error_code& ec, size_t n) {
        if (ec) return;
        std::string line(asio::buffers_begin(buffer.data()),
                         asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(n));
        nlohmann::json request;
        try {
            request = nlohmann::json::parse(line);
        } catch (const std::exception& e) {
            send(error_reply(fmt::format("bad request: {}", e.what())), {});
            return;
        }
        auto self = shared_from_this();
        handler(
            request,
            [self](const nlohmann::json& reply, std::function<void()> after) {
                self->send(reply, std::move(after));
            },
            [self](const std::string& line) {
                if (!self->replied) self->write(nlohmann::json{{"progress", line}}.dump() + "\n", {});
            });
    }

    void send(const nlohmann::json& reply, std::function<void()> after) {
        if (replied) return;
        replied = true;
        write(reply.dump() + "\n", [self = shared_from_this(), after = std::move(after)] {
            boost::system::error_code ignored;
            self->socket.close(ignored);
            if (after) after();
        });
    }

    // Writes go out one at a time, in order; `then` runs once this one is written (or failed).
    void write(std::string data, std::function<void()> then) {
        queue.push_back({std::move(data), std::move(then)});
        if (queue.size() == 1) write_front();
    }

    void write_front() {
        asio::async_write(socket, asio::buffer(queue.front().first),
                          [self = shared_from_this()](const boost::system::error_code&, size_t) {
                              auto then = std::move(self->queue.front().second);
                              self->queue.pop_front();
                              if (then) then();
                              if (!self->queue.empty()) self->write_front();
                          });
    }

    Local::socket socket;
    ControlServer::Handler& handler;
    asio::streambuf buffer;
    std::deque<std::pair<std::string, std::function<void()>>> queue;
    bool replied = false;
};

}  // namespace

struct ControlServer::Impl : std::enable_shared_from_this<Impl> {
    Impl(supervise::IoContext& io, std::filesystem::path p, Handler h)
        : acceptor(io), path(std::move(p)), handler(std::move(h)) {}

    void accept() {
        acceptor.async_accept([weak = weak_from_this()](const boost::system::error_code& ec,
                                                        Local::socket s) {
            auto self = weak.lock();
            if (!self || ec == asio::error::operation_aborted) return;
            if (!ec) std::make_shared<Session>(std::move(s), self->handler)->start();
            self->accept();
        });
    }

    Local::acceptor acceptor;
    std::filesystem::path path;
    Handler handler;
};

ControlServer::ControlServer(supervise::IoContext& io, std::filesystem::path path,
                             Handler handler)
    : impl_(std::make_shared<Impl>(io, path, std::move(handler))) {
    with_context(fmt::format("listen on \"{}\"", path.string()), [&] {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        Local::endpoint ep(path.string());
        impl_->acceptor.open(ep.protocol());
        // Created with 0600 from the start: no window where another user could connect.
        mode_t old = ::umask(0177);
        boost::system::error_code bec;
        impl_->acceptor.bind(ep, bec);
        ::umask(old);
        if (bec) throw Error(bec.message());
        impl_->acceptor.listen();
    });
    impl_->accept();
}

ControlServer::~ControlServer() {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    std::error_code ec;
    std::filesystem::remove(impl_->path, ec);
}

}  // namespace stk::engine
