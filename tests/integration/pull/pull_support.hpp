#pragma once
// What the pull tests share: a busybox image pushed to a test registry, a project whose
// services use it, a private docker config, and a look into the project's image store.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "image/registry/credentials.hpp"
#include "image/store/image_store.hpp"
#include "tests/integration/e2e/e2e_support.hpp"
#include "tests/integration/pull/registry_fixture.hpp"
#include "tests/support/busybox_image.hpp"

namespace pulltest {

// A compose file with one service per (name, image) pair, each running the image's command.
inline std::string compose_with(const std::vector<std::pair<std::string, std::string>>& services,
                                const std::string& extra = "") {
    std::string y = "services:\n";
    for (const auto& [name, image] : services)
        y += "  " + name + ":\n    image: " + image + "\n" + extra;
    return y;
}

// Pushes the busybox image to `reg` as `repo_tag` ("stk/bb:1"); returns its full name.
inline std::string push_busybox(const Registry& reg, const stk::test::BusyboxImage& bb,
                                const std::string& repo_tag) {
    reg.push("oci:" + bb.layout().string() + ":latest", repo_tag);
    return reg.host() + "/" + repo_tag;
}

// The store of an e2e::Project (STACK_DATA_ROOT points into its dir).
inline stk::image::ImageStore store_of(const e2e::Project& p) {
    return stk::image::ImageStore(p.dir / "data" / "images");
}

// DOCKER_CONFIG pointing at a config.json with `auths.<host>` = user:password (no entry when
// user is empty), inside `dir`.
inline void use_docker_config(const fs::path& dir, const std::string& host, const std::string& user,
                              const std::string& password) {
    fs::create_directories(dir / "docker");
    std::string auths = user.empty() ? "{}"
                                     : "{\"" + host + "\": {\"auth\": \"" +
                                           stk::image::registry::base64_encode(user + ":" + password) +
                                           "\"}}";
    std::ofstream(dir / "docker" / "config.json") << "{\"auths\": " << auths << "}";
    ::setenv("DOCKER_CONFIG", (dir / "docker").c_str(), 1);
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace pulltest
