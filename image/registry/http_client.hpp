#pragma once
// A small blocking HTTP/1.1 client over Boost.Beast (plain TCP or TLS through OpenSSL) that keeps
// one connection alive between requests. Every network operation has a timeout. Not thread-safe:
// each worker thread owns its own client.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/registry/url.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image::registry {

using Headers = std::vector<std::pair<std::string, std::string>>;

// How a TLS connection checks the server: the system's CAs plus `ca_files`, or nothing at all.
struct TlsSettings {
    bool verify = true;
    std::vector<std::filesystem::path> ca_files;
};

struct HttpResponse {
    unsigned status = 0;
    Headers headers;   // names as the server sent them
    std::string body;  // the body, unless a sink took it

    // The first header with this name (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

// The connection failed before an HTTP response arrived: refused, unreachable, timed out, TLS
// handshake refused. Always worth another attempt later, unlike an HTTP status.
class TransportError : public Error {
public:
    using Error::Error;
};

// Receives a successful (2xx) response body piece by piece as it arrives.
using BodySink = std::function<void(std::string_view chunk)>;
// Sees a 2xx response's status and headers before its body reaches the sink.
using HeadHook = std::function<void(const HttpResponse& head)>;

class HttpClient {
public:
    explicit HttpClient(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads the whole response. With a sink, a 2xx body is streamed to it
    // instead of being kept; other bodies are kept (capped at 64 KiB) for error messages.
    HttpResponse send(std::string_view method, const Url& url, const Headers& headers,
                      const TlsSettings& tls, const BodySink& sink = {}, const HeadHook& on_head = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stk::image::registry
