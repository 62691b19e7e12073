#pragma once
// A client of one repository on one registry through the OCI distribution API (`/v2/`):
// manifests by tag or digest, blobs streamed, HEAD for existence. It decides HTTPS or plain HTTP
// once (registry_settings.hpp), answers the registry's challenge (Basic, or a Bearer token from
// the realm, with the docker config's credentials or anonymously) and follows redirects.
// One client per thread; fork() makes another that shares the decision, credentials and token.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "image/digest.hpp"
#include "image/registry/http_client.hpp"
#include "image/registry/registry_settings.hpp"
#include "image/registry/retry.hpp"

namespace stk::image::registry {

struct FetchedManifest {
    std::string body;
    std::string media_type;
    Digest digest;  // of `body`, verified against the registry's header and a requested digest
};

class RegistryClient {
public:
    // `registry` is host[:port] as written in the image reference, `repository` its path.
    RegistryClient(std::string registry, std::string repository, RegistrySettings settings,
                   RetryPolicy retry = {});
    ~RegistryClient();
    RegistryClient(RegistryClient&&) noexcept;
    RegistryClient& operator=(RegistryClient&&) noexcept;

    RegistryClient fork() const;

    const std::string& registry() const;
    const RetryPolicy& retry_policy() const;

    // GET a manifest or index by tag or "sha256:..." digest (retried when transient).
    FetchedManifest get_manifest(std::string_view reference);

    // HEAD a blob: whether the registry has it (retried when transient).
    bool has_blob(const Digest& digest);

    // GET a blob, streaming its bytes to `sink`. One attempt: the caller retries, resuming what
    // arrived with `offset` > 0 (a Range request). `on_start` learns, before the first byte, where
    // the body starts: `offset` when the registry honoured the Range, 0 when it ignored it.
    void get_blob(const Digest& digest, const BodySink& sink, uint64_t offset = 0,
                  const std::function<void(uint64_t start)>& on_start = {});

private:
    struct Session;
    RegistryClient(std::shared_ptr<Session> session);
    HttpResponse request(std::string_view method, const std::string& path, const Headers& extra,
                         const BodySink& sink, const HeadHook& on_head = {});
    // Throws the RegistryError that says what an error status means for `what`.
    [[noreturn]] void raise_for(const HttpResponse& r, const std::string& what);

    std::shared_ptr<Session> session_;
    std::unique_ptr<HttpClient> http_;
};

}  // namespace stk::image::registry
