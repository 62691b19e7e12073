#pragma once
// How stack reaches a registry: HTTPS with the system's CAs by default; extra CAs from
// STACK_REGISTRY_CA (a PEM file, every registry) and /etc/stack/certs.d/<host[:port]>/*.crt
// (docker's certs.d layout); plain HTTP allowed for loopback hosts and for registries listed in
// STACK_INSECURE_REGISTRIES (comma separated host[:port]) or in the "insecure-registries" array of
// /etc/stack/registries.json (STACK_REGISTRIES_CONFIG overrides the path; the key is docker's
// daemon.json key).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "image/registry/http_client.hpp"

namespace stk::image::registry {

struct RegistrySettings {
    std::vector<std::string> insecure;  // host[:port] entries; a bare host matches every port
    std::filesystem::path ca_file;      // empty: none
    std::filesystem::path certs_dir = "/etc/stack/certs.d";
    std::filesystem::path docker_config;

    // From the environment and the registries file; a malformed file is an Error naming it.
    static RegistrySettings from_environment();
};

struct RegistryAccess {
    std::string api_host;  // host[:port] the API lives on ("docker.io" -> "registry-1.docker.io")
    bool http_fallback = false;  // HTTPS is tried first; plain HTTP when HTTPS cannot be spoken
    TlsSettings tls;
};

bool is_loopback_host(std::string_view host);

// The decision for `registry` (host[:port] as written in an image reference).
RegistryAccess registry_access(std::string_view registry, const RegistrySettings& settings);

}  // namespace stk::image::registry
