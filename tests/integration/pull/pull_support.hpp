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
#include "tests/support/registry_fixture.hpp"
#include "tests/support/busybox_image.hpp"

namespace pulltest {
namespace fs = std::filesystem;
using namespace stk::test;  // Registry, free_port, push_busybox, use_docker_config

// A compose file with one service per (name, image) pair, each running the image's command.
inline std::string compose_with(const std::vector<std::pair<std::string, std::string>>& services,
                                const std::string& extra = "") {
    std::string y = "services:\n";
    for (const auto& [name, image] : services)
        y += "  " + name + ":\n    image: " + image + "\n" + extra;
    return y;
}

// The store of an e2e::Project (STACK_DATA_ROOT points into its dir).
inline stk::image::ImageStore store_of(const e2e::Project& p) {
    return stk::image::ImageStore(p.dir / "data" / "images");
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace pulltest
