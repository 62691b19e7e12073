#include "image/registry/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <limits>
#include <map>
#include <mutex>
#include <fmt/format.h>
#include <strings.h>

namespace stk::image::registry {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kErrorBodyCap = 64 * 1024;
constexpr std::size_t kChunk = 256 * 1024;

std::string tls_key(const TlsSettings& tls) {
    std::string k = tls.verify ? "verify" : "noverify";
    for (const auto& f : tls.ca_files) k += "|" + f.string();
    return k;
}

// A TLS client context per TlsSettings, shared by every connection of the process. The
// system's CA store (tens of milliseconds to parse) is loaded at the first certificate check,
// not before: a loopback registry probed over HTTPS that speaks plain HTTP never needs it.
struct TlsContext {
    ssl::context ctx{ssl::context::tls_client};
    std::once_flag system_cas;
};

int verify_with_system_cas(X509_STORE_CTX* store_ctx, void* arg) {
    auto* t = static_cast<TlsContext*>(arg);
    // On failure the chain simply does not verify, and the handshake error says why.
    std::call_once(t->system_cas,
                   [&] { X509_STORE_set_default_paths(SSL_CTX_get_cert_store(t->ctx.native_handle())); });
    return X509_verify_cert(store_ctx);
}

std::shared_ptr<TlsContext> tls_context(const TlsSettings& settings) {
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<TlsContext>> contexts;
    std::lock_guard lock(mu);
    auto& slot = contexts[tls_key(settings)];
    if (slot) return slot;
    auto t = std::make_shared<TlsContext>();
    if (settings.verify) {
        for (const auto& ca : settings.ca_files) {
            beast::error_code e;
            t->ctx.load_verify_file(ca.string(), e);
            if (e) throw Error(fmt::format("load CA certificate \"{}\": {}", ca.string(), e.message()));
        }
        t->ctx.set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_cert_verify_callback(t->ctx.native_handle(), verify_with_system_cas, t.get());
    } else {
        t->ctx.set_verify_mode(ssl::verify_none);
    }
    slot = t;
    return t;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
    return std::nullopt;
}

struct HttpClient::Impl {
    asio::io_context ioc;
    std::chrono::milliseconds timeout;
    std::string conn_key;
    std::shared_ptr<TlsContext> tls_ctx;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    // Where a body lands piece by piece; made once per client, never zeroed (always written first).
    std::unique_ptr<char[]> chunk = std::make_unique_for_overwrite<char[]>(kChunk);

    // Beast reads at most the buffer's free capacity (512 bytes when empty) per system call.
    explicit Impl(std::chrono::milliseconds t) : timeout(t) { buffer.reserve(kChunk); }

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    // Runs one asynchronous operation to completion under the timeout.
    template <typename Start>
    beast::error_code run(Start&& start) {
        beast::error_code out;
        lowest().expires_after(timeout);
        start([&out](beast::error_code ec, auto&&...) { out = ec; });
        ioc.restart();
        ioc.run();
        return out;
    }

    void close() {
        if (plain || tls) {
            beast::error_code ignored;
            lowest().socket().close(ignored);
        }
        tls.reset();
        plain.reset();
        tls_ctx.reset();
        buffer.clear();
        conn_key.clear();
    }

    void connect(const Url& url, const TlsSettings& settings) {
        close();
        tcp::resolver resolver(ioc);
        beast::error_code ec;
        tcp::resolver::results_type endpoints;
        resolver.async_resolve(url.host, url.port,
                               [&](beast::error_code e, tcp::resolver::results_type r) {
                                   ec = e;
                                   endpoints = std::move(r);
                               });
        ioc.restart();
        ioc.run();
        if (ec)
            throw TransportError(fmt::format("resolve {}: {}", url.host, ec.message()), ec);
        if (url.scheme == "https") {
            tls_ctx = tls_context(settings);
            tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, tls_ctx->ctx);
            if (settings.verify) tls->set_verify_callback(ssl::host_name_verification(url.host));
            // SNI is sent for names only; an IP address is not a valid server name.
            beast::error_code addr_ec;
            asio::ip::make_address(url.host, addr_ec);
            if (addr_ec) SSL_set_tlsext_host_name(tls->native_handle(), url.host.c_str());
        } else {
            plain = std::make_unique<beast::tcp_stream>(ioc);
        }
        ec = run([&](auto h) { lowest().async_connect(endpoints, h); });
        if (ec) {
            close();
            throw TransportError(
                fmt::format("connect to {}:{}: {}", url.host, url.port, ec.message()), ec);
        }
        if (tls) {
            ec = run([&](auto h) { tls->async_handshake(ssl::stream_base::client, h); });
            if (ec) {
                std::string what = ec.message();
                if (auto verify = SSL_get_verify_result(tls->native_handle());
                    verify != X509_V_OK)
                    what = fmt::format("certificate verify failed: {}",
                                       X509_verify_cert_error_string(verify));
                close();
                throw TransportError(
                    fmt::format("TLS handshake with {}:{}: {}", url.host, url.port, what), ec);
            }
        }
        conn_key = url.scheme + "://" + url.host + ":" + url.port + "#" + tls_key(settings);
    }

    template <typename Op>
    beast::error_code on_stream(Op&& op) {
        if (tls) return run([&](auto h) { op(*tls, h); });
        return run([&](auto h) { op(*plain, h); });
    }

    // One exchange on the current connection; returns false when a reused connection turned out
    // to be closed by the server before any response byte (the caller reconnects once).
    bool exchange(std::string_view method, const Url& url, const Headers& headers,
                  const BodySink& sink, const HeadHook& on_head, bool reused, HttpResponse& out) {
        http::request<http::empty_body> req{
            http::string_to_verb(beast::string_view(method.data(), method.size())), url.target,
            11};
        req.set(http::field::host, url.authority());
        req.set(http::field::user_agent, "stack/0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        beast::error_code ec =
            on_stream([&](auto& s, auto h) { http::async_write(s, req, std::move(h)); });
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        if (method == "HEAD") parser.skip(true);
        if (!ec)
            ec = on_stream(
                [&](auto& s, auto h) { http::async_read_header(s, buffer, parser, std::move(h)); });
        if (ec) {
            close();
            if (reused) return false;
            throw TransportError(
                fmt::format("{} {}: {}", method, url.to_string(), ec.message()), ec);
        }
        out.status = parser.get().result_int();
        for (const auto& f : parser.get()) out.headers.emplace_back(f.name_string(), f.value());
        bool stream_body = sink && out.status / 100 == 2;
        if (stream_body && on_head) {
            try {
                on_head(out);
            } catch (...) {
                close();
                throw;
            }
        }
        while (!parser.is_done()) {
            parser.get().body().data = chunk.get();
            parser.get().body().size = kChunk;
            ec = on_stream(
                [&](auto& s, auto h) { http::async_read_some(s, buffer, parser, std::move(h)); });
            if (ec == http::error::need_buffer) ec = {};
            if (ec) {
                close();
                throw TransportError(fmt::format("{} {}: reading the body: {}", method,
                                                 url.to_string(), ec.message()),
                                     ec);
            }
            std::size_t n = kChunk - parser.get().body().size;
            if (n == 0) continue;
            if (stream_body) {
                try {
                    sink(std::string_view(chunk.get(), n));
                } catch (...) {
                    close();  // the rest of the body is still on the wire
                    throw;
                }
            } else if (out.body.size() < kErrorBodyCap || !sink)
                out.body.append(chunk.get(), n);
        }
        if (!parser.get().keep_alive()) close();
        return true;
    }
};

HttpClient::HttpClient(std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(timeout)) {}

HttpClient::~HttpClient() { impl_->close(); }

HttpResponse HttpClient::send(std::string_view method, const Url& url, const Headers& headers,
                              const TlsSettings& tls, const BodySink& sink, const HeadHook& on_head) {
    std::string key = url.scheme + "://" + url.host + ":" + url.port + "#" + tls_key(tls);
    bool reused = impl_->conn_key == key;
    if (!reused) impl_->connect(url, tls);
    HttpResponse out;
    if (impl_->exchange(method, url, headers, sink, on_head, reused, out)) return out;
    impl_->connect(url, tls);
    out = HttpResponse{};
    impl_->exchange(method, url, headers, sink, on_head, false, out);
    return out;
}

}  // namespace stk::image::registry
