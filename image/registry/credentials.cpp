#include "image/registry/credentials.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/registry/credential_helper.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image::registry {
namespace {

// "https://index.docker.io/v1/" -> "index.docker.io"; "host:5000" stays.
std::string key_host(std::string_view key) {
    if (auto p = key.find("://"); p != std::string_view::npos) key = key.substr(p + 3);
    return std::string(key.substr(0, key.find('/')));
}

bool is_docker_hub(std::string_view host) {
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool same_registry(std::string_view key, std::string_view registry) {
    std::string host = key_host(key);
    return host == registry || (is_docker_hub(host) && is_docker_hub(registry));
}

// The helper docker would ask about `registry`: its credHelpers entry, else credsStore; "" for none.
std::string helper_for(const nlohmann::json& doc, std::string_view registry, const std::string& file) {
    if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && helpers->is_object())
        for (const auto& [key, name] : helpers->items())
            if (same_registry(key, registry)) {
                if (!name.is_string() || name.get<std::string>().empty())
                    throw Error(fmt::format("docker config \"{}\": credHelpers.\"{}\" is not a helper name", file, key));
                return name.get<std::string>();
            }
    if (auto store = doc.find("credsStore"); store != doc.end()) {
        if (!store->is_string()) throw Error(fmt::format("docker config \"{}\": credsStore is not a string", file));
        return store->get<std::string>();
    }
    return "";
}

}  // namespace

std::filesystem::path docker_config_path() {
    if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
        return std::filesystem::path(dir) / "config.json";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/root") / ".docker" / "config.json";
}

std::optional<Credentials> find_credentials(const std::filesystem::path& config_file,
                                            std::string_view registry) {
    auto text = read_file_if_exists(config_file);
    if (!text) return std::nullopt;
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw Error(fmt::format("docker config \"{}\": not a JSON object", config_file.string()));
    if (std::string helper = helper_for(doc, registry, config_file.string()); !helper.empty())
        if (auto c = with_context(fmt::format("docker config \"{}\"", config_file.string()),
                                  [&] { return helper_credentials(helper, std::string(registry)); }))
            return c;
    auto auths = doc.find("auths");
    if (auths == doc.end() || !auths->is_object()) return std::nullopt;
    for (const auto& [key, entry] : auths->items()) {
        if (!same_registry(key, registry) || !entry.is_object()) continue;
        std::string where = fmt::format("docker config \"{}\": auths.\"{}\"", config_file.string(), key);
        if (auto auth = entry.find("auth"); auth != entry.end() && auth->is_string() &&
                                            !auth->get<std::string>().empty()) {
            std::string plain = with_context(where + ".auth", [&] { return base64_decode(auth->get<std::string>()); });
            auto colon = plain.find(':');
            if (colon == std::string::npos)
                throw Error(where + ".auth: not base64 of user:password");
            return Credentials{plain.substr(0, colon), plain.substr(colon + 1)};
        }
        if (entry.contains("username") && entry["username"].is_string())
            return Credentials{entry["username"].get<std::string>(),
                               entry.value("password", std::string())};
    }
    return std::nullopt;
}

std::string base64_encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(std::string_view text) {
    std::string clean;
    for (char c : text)
        if (c != '\n' && c != '\r' && c != ' ') clean += c;
    if (clean.size() % 4 != 0) throw Error("not valid base64 (length is not a multiple of 4)");
    std::string out(3 * clean.size() / 4, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(clean.data()),
                            static_cast<int>(clean.size()));
    if (n < 0) throw Error("not valid base64");
    std::size_t padding = 0;
    for (auto it = clean.rbegin(); it != clean.rend() && *it == '='; ++it) ++padding;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

}  // namespace stk::image::registry
