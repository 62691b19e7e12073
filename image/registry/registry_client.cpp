#include "image/registry/registry_client.hpp"

#include <cstdio>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/registry/auth_challenge.hpp"
#include "image/registry/credentials.hpp"
#include "image/store/manifest.hpp"

namespace stk::image::registry {
namespace {

constexpr int kMaxRedirects = 5;
constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// "MANIFEST_UNKNOWN: manifest unknown" from the registry's JSON error body, when it has one.
std::pair<std::string, std::string> registry_error_of(const HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
        const auto& e = j["errors"][0];
        if (e.is_object())
            return {e.value("code", std::string()), e.value("message", std::string())};
    }
    return {};
}

// The first byte of "bytes START-END/TOTAL"; throws Error for anything else.
uint64_t content_range_start(const std::string& value) {
    unsigned long long start = 0, end = 0;
    char total[32] = {};
    if (std::sscanf(value.c_str(), "bytes %llu-%llu/%31s", &start, &end, total) != 3 || end < start)
        throw Error(fmt::format("partial content with a Content-Range \"{}\" that is not bytes START-END/TOTAL",
                                value));
    return start;
}

// Asks for every manifest kind stack reads.
std::string manifest_accept_header() {
    return fmt::format("{}, {}, {}, {}", media_type::kOciIndex, media_type::kDockerManifestList,
                       media_type::kOciManifest, media_type::kDockerManifest);
}

}  // namespace

struct RegistryClient::Session {
    std::string registry;
    std::string repository;
    RegistrySettings settings;
    RegistryAccess access;
    RetryPolicy retry;

    std::mutex mu;  // guards everything below
    std::string scheme;  // "" until the first ping decided it
    std::optional<AuthChallenge> challenge;
    bool credentials_loaded = false;
    std::optional<Credentials> credentials;
    std::string authorization;  // the header value sent with every request, "" for none

    std::string scope() const { return "repository:" + repository + ":pull"; }
    Url url(const std::string& path) const {
        return parse_url(scheme + "://" + access.api_host + path);
    }

    const std::optional<Credentials>& creds() {
        if (!credentials_loaded) {
            credentials = find_credentials(settings.docker_config, registry);
            credentials_loaded = true;
        }
        return credentials;
    }

    std::string no_credentials_text() {
        return fmt::format("no credentials for {} in {}", registry,
                           settings.docker_config.string());
    }

    // GET /v2/ over HTTPS, or plain HTTP when allowed and HTTPS cannot be spoken.
    void ping(HttpClient& http) {
        auto try_scheme = [&](const std::string& s) {
            Url u = parse_url(s + "://" + access.api_host + "/v2/");
            HttpResponse r = http.send("GET", u, {}, access.tls);
            if (r.status != 200 && r.status != 401)
                throw RegistryError(fmt::format("GET {} answered {}: not an OCI distribution "
                                                "(v2) registry",
                                                u.to_string(), r.status),
                                    r.status, "");
            scheme = s;
            if (r.status == 401)
                if (auto h = r.header("WWW-Authenticate")) challenge = parse_auth_challenge(*h);
        };
        try {
            try_scheme("https");
        } catch (const TransportError& https_error) {
            if (!access.http_fallback) throw;
            try {
                try_scheme("http");
            } catch (const std::exception&) {
                throw https_error;  // HTTPS is what the registry should speak: its error says why
            }
        }
    }

    // Answers a challenge: the header to send from now on. False when there is nothing new to
    // send (no credentials for Basic, or the same credentials were refused already).
    bool answer_challenge(HttpClient& http, const std::string& refused) {
        if (!challenge) return false;
        if (challenge->scheme == "basic") {
            if (!creds()) return false;
            std::string value =
                "Basic " + base64_encode(creds()->username + ":" + creds()->password);
            if (value == refused) return false;
            authorization = value;
            return true;
        }
        if (challenge->scheme != "bearer") return false;
        std::string realm = challenge->param("realm");
        if (realm.empty()) throw Error("Bearer challenge without a realm");
        std::string target = realm + (realm.find('?') == std::string::npos ? "?" : "&");
        if (auto service = challenge->param("service"); !service.empty())
            target += "service=" + url_encode(service) + "&";
        std::string scope_param = challenge->param("scope");
        target += "scope=" + url_encode(scope_param.empty() ? scope() : scope_param);
        Url token_url = parse_url(target);
        Headers h;
        if (creds())
            h.emplace_back("Authorization",
                           "Basic " + base64_encode(creds()->username + ":" + creds()->password));
        RegistryAccess realm_access = registry_access(token_url.authority(), settings);
        HttpResponse r = http.send("GET", token_url, h, realm_access.tls);
        if (r.status == 401 || r.status == 403)
            throw RegistryError(
                fmt::format("unauthorized: the token service {} refused {}", realm,
                            creds() ? "the credentials of " + settings.docker_config.string()
                                    : "an anonymous request (" + no_credentials_text() + ")"),
                r.status, "UNAUTHORIZED");
        if (r.status / 100 != 2)
            throw RegistryError(fmt::format("token service {} answered {}", realm, r.status),
                                r.status, "");
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        std::string token;
        if (j.is_object()) token = j.value("token", j.value("access_token", std::string()));
        if (token.empty()) throw Error(fmt::format("token service {}: no token in its answer", realm));
        std::string value = "Bearer " + token;
        if (value == refused) return false;
        authorization = value;
        return true;
    }
};

RegistryClient::RegistryClient(std::string registry, std::string repository,
                               RegistrySettings settings, RetryPolicy retry)
    : session_(std::make_shared<Session>()), http_(std::make_unique<HttpClient>()) {
    session_->access = registry_access(registry, settings);
    session_->registry = std::move(registry);
    session_->repository = std::move(repository);
    session_->settings = std::move(settings);
    session_->retry = std::move(retry);
}

RegistryClient::RegistryClient(std::shared_ptr<Session> session)
    : session_(std::move(session)), http_(std::make_unique<HttpClient>()) {}

RegistryClient::~RegistryClient() = default;
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;

RegistryClient RegistryClient::fork() const { return RegistryClient(session_); }

const std::string& RegistryClient::registry() const { return session_->registry; }
const RetryPolicy& RegistryClient::retry_policy() const { return session_->retry; }

HttpResponse RegistryClient::request(std::string_view method, const std::string& path,
                                     const Headers& extra, const BodySink& sink, const HeadHook& on_head) {
    Session& s = *session_;
    std::string authorization;
    Url url;
    {
        std::lock_guard lock(s.mu);
        if (s.scheme.empty()) s.ping(*http_);
        url = s.url(path);
        authorization = s.authorization;
    }
    for (int round = 0;; ++round) {
        Headers headers = extra;
        if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
        Url target = url;
        HttpResponse r;
        for (int hop = 0;; ++hop) {
            const TlsSettings& tls = target.authority() == url.authority()
                                         ? s.access.tls
                                         : registry_access(target.authority(), s.settings).tls;
            r = http_->send(method, target, headers, tls, sink, on_head);
            if (!is_redirect(r.status) || hop == kMaxRedirects) break;
            auto location = r.header("Location");
            if (!location) break;
            Url next = resolve_location(target, *location);
            // A signed URL on another host (object storage) must not see the registry's token.
            if (next.authority() != url.authority())
                std::erase_if(headers, [](const auto& h) { return h.first == "Authorization"; });
            target = next;
        }
        if (r.status != 401 || round > 0) return r;
        std::lock_guard lock(s.mu);
        if (auto h = r.header("WWW-Authenticate")) s.challenge = parse_auth_challenge(*h);
        // Another thread may have answered the challenge meanwhile: its header is worth a try.
        if (s.authorization != authorization || s.answer_challenge(*http_, authorization)) {
            authorization = s.authorization;
            continue;
        }
        return r;
    }
}

namespace {

[[noreturn]] void raise_status(const HttpResponse& r, const std::string& what,
                               const std::string& registry, const std::string& creds_text,
                               bool sent_credentials) {
    auto [code, message] = registry_error_of(r);
    std::string detail = message.empty() ? code : message;
    std::string text;
    if (r.status == 401)
        text = sent_credentials ? fmt::format("unauthorized: {} refused the credentials ({})",
                                              registry, creds_text)
                                : fmt::format("unauthorized: {} requires authentication ({})",
                                              registry, creds_text);
    else if (r.status == 403)
        text = fmt::format("denied: {}{}", what, detail.empty() ? "" : ": " + detail);
    else if (r.status == 404)
        text = fmt::format("{}: not found{}", what, detail.empty() ? "" : " (" + detail + ")");
    else
        text = fmt::format("{}: HTTP {}{}", what, r.status, detail.empty() ? "" : ": " + detail);
    throw RegistryError(text, r.status, code);
}

}  // namespace

void RegistryClient::raise_for(const HttpResponse& r, const std::string& what) {
    Session& s = *session_;
    std::lock_guard lock(s.mu);
    bool sent = !s.authorization.empty() && s.authorization.rfind("Basic ", 0) == 0;
    bool have = s.creds().has_value();
    std::string creds_text = have ? "from " + s.settings.docker_config.string()
                                  : s.no_credentials_text();
    raise_status(r, what, s.registry, creds_text, sent || have);
}

FetchedManifest RegistryClient::get_manifest(std::string_view reference) {
    std::string path = fmt::format("/v2/{}/manifests/{}", session_->repository, reference);
    return with_retries(session_->retry, [&] {
        std::string body;
        BodySink sink = [&](std::string_view chunk) {
            if (body.size() + chunk.size() > kMaxManifestBytes)
                throw Error(fmt::format("manifest {} is larger than {} bytes", reference,
                                        kMaxManifestBytes));
            body.append(chunk);
        };
        HttpResponse r = request("GET", path, {{"Accept", manifest_accept_header()}}, sink);
        if (r.status / 100 != 2) {
            std::string what = r.status == 404 ? fmt::format("manifest unknown: {}:{}",
                                                             session_->repository, reference)
                                               : fmt::format("manifest {}", reference);
            raise_for(r, what);
        }
        FetchedManifest m;
        m.body = std::move(body);
        m.digest = Digest::of(m.body);
        if (auto header = r.header("Docker-Content-Digest");
            header && Digest::valid(*header) && Digest::parse(*header) != m.digest)
            throw Error(fmt::format("digest mismatch: manifest {} hashes to {}, the registry "
                                    "announced {}",
                                    reference, m.digest.str(), *header));
        if (Digest::valid(reference) && Digest::parse(reference) != m.digest)
            throw Error(fmt::format("digest mismatch: manifest {} hashes to {}", reference,
                                    m.digest.str()));
        m.media_type = r.header("Content-Type").value_or("");
        m.media_type = m.media_type.substr(0, m.media_type.find(';'));
        if (!is_index_media_type(m.media_type) && !is_manifest_media_type(m.media_type))
            m.media_type = sniff_media_type(m.body);
        return m;
    });
}

bool RegistryClient::has_blob(const Digest& digest) {
    std::string path = fmt::format("/v2/{}/blobs/{}", session_->repository, digest.str());
    return with_retries(session_->retry, [&] {
        HttpResponse r = request("HEAD", path, {}, {});
        if (r.status / 100 == 2) return true;
        if (r.status == 404) return false;
        raise_for(r, "blob " + digest.str());
    });
}

void RegistryClient::get_blob(const Digest& digest, const BodySink& sink, uint64_t offset,
                              const std::function<void(uint64_t start)>& on_start) {
    std::string path = fmt::format("/v2/{}/blobs/{}", session_->repository, digest.str());
    Headers extra;
    if (offset > 0) extra.emplace_back("Range", fmt::format("bytes={}-", offset));
    HeadHook on_head = [&](const HttpResponse& head) {
        uint64_t start = 0;
        if (head.status == 206) {
            start = content_range_start(head.header("Content-Range").value_or(""));
            if (start != offset)
                throw Error(fmt::format("blob {}: asked for bytes from {}, the registry sent them from {}",
                                        digest.str(), offset, start));
        }
        if (on_start) on_start(start);
    };
    HttpResponse r = request("GET", path, extra, sink, on_head);
    if (r.status / 100 != 2)
        raise_for(r, r.status == 404 ? "blob unknown: " + digest.str()
                                                : "blob " + digest.str());
}

}  // namespace stk::image::registry
