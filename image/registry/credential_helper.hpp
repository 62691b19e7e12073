#pragma once
// Docker credential helpers (`credsStore` / `credHelpers` of the docker config): the program
// `docker-credential-<helper>` found in PATH, run as `get` with the server on stdin, answers
// {"ServerURL": ..., "Username": ..., "Secret": ...} on stdout.
#include <optional>
#include <string>

#include "image/registry/credentials.hpp"

namespace stk::image::registry {

// The server name a helper is asked about: docker's "https://index.docker.io/v1/" for Docker
// Hub, else host[:port].
std::string helper_server_name(const std::string& registry);

// The helper's credentials for `registry`; nullopt when it answers that it has none ("credentials
// not found"). A helper missing from PATH, failing, silent for too long or answering something
// other than that JSON is an Error naming the helper and the registry.
std::optional<Credentials> helper_credentials(const std::string& helper, const std::string& registry);

}  // namespace stk::image::registry
