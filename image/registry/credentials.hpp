#pragma once
// Registry credentials from the docker client's config file: `$DOCKER_CONFIG/config.json`, else
// `~/.docker/config.json`: the credential helper named by `credHelpers.<registry>` or
// `credsStore` (credential_helper.hpp), else (or when the helper has none) the entry
// `auths.<registry>` with `auth` (base64 of user:password) or `username` / `password`.
// Keys may be written as docker writes them ("https://host/v1/").
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace stk::image::registry {

struct Credentials {
    std::string username;
    std::string password;
};

// The docker config file this process would read (it may not exist).
std::filesystem::path docker_config_path();

// The credentials for `registry` (host[:port]) in `config_file`; nullopt when the file or the
// entry does not exist. A file that is not valid JSON or an undecodable entry is an Error naming
// the file and the entry.
std::optional<Credentials> find_credentials(const std::filesystem::path& config_file,
                                            std::string_view registry);

std::string base64_encode(std::string_view data);
// Throws Error when `text` is not base64.
std::string base64_decode(std::string_view text);

}  // namespace stk::image::registry
