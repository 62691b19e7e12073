#include "image/registry/registry_settings.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/registry/credentials.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image::registry {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string host_part(std::string_view registry) {
    if (!registry.empty() && registry.front() == '[')
        return std::string(registry.substr(1, registry.find(']') - 1));
    if (std::count(registry.begin(), registry.end(), ':') > 1) return std::string(registry);
    return std::string(registry.substr(0, registry.find(':')));
}

void add_crt_files(const std::filesystem::path& dir, std::vector<std::filesystem::path>& out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    std::vector<std::filesystem::path> found;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".crt") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
}

}  // namespace

RegistrySettings RegistrySettings::from_environment() {
    RegistrySettings s;
    std::string list = env_or("STACK_INSECURE_REGISTRIES", "");
    for (std::size_t start = 0; start <= list.size();) {
        auto comma = list.find(',', start);
        std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) s.insecure.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    std::filesystem::path file = env_or("STACK_REGISTRIES_CONFIG", "/etc/stack/registries.json");
    if (auto text = read_file_if_exists(file)) {
        auto doc = nlohmann::json::parse(*text, nullptr, false);
        if (doc.is_discarded() || !doc.is_object())
            throw Error(fmt::format("registries config \"{}\": not a JSON object", file.string()));
        if (auto it = doc.find("insecure-registries"); it != doc.end()) {
            if (!it->is_array())
                throw Error(fmt::format("registries config \"{}\": \"insecure-registries\" must "
                                        "be an array of host[:port] strings",
                                        file.string()));
            for (const auto& v : *it) {
                if (!v.is_string())
                    throw Error(fmt::format("registries config \"{}\": \"insecure-registries\" "
                                            "holds {}, expected a host[:port] string",
                                            file.string(), v.dump()));
                s.insecure.push_back(v.get<std::string>());
            }
        }
    }
    s.ca_file = env_or("STACK_REGISTRY_CA", "");
    s.certs_dir = env_or("STACK_REGISTRY_CERTS_DIR", "/etc/stack/certs.d");
    s.docker_config = docker_config_path();
    return s;
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

RegistryAccess registry_access(std::string_view registry, const RegistrySettings& settings) {
    RegistryAccess a;
    a.api_host = registry == "docker.io" || registry == "index.docker.io" ? "registry-1.docker.io"
                                                                          : std::string(registry);
    std::string host = host_part(registry);
    bool listed = false;
    for (const auto& entry : settings.insecure)
        if (entry == registry || entry == host) listed = true;
    // docker's rule: an insecure registry is tried over HTTPS without verification, then HTTP;
    // a loopback one keeps verification on its HTTPS attempt.
    a.http_fallback = listed || is_loopback_host(host);
    a.tls.verify = !listed;
    if (!settings.ca_file.empty()) a.tls.ca_files.push_back(settings.ca_file);
    add_crt_files(settings.certs_dir / std::string(registry), a.tls.ca_files);
    return a;
}

}  // namespace stk::image::registry
