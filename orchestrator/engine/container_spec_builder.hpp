#pragma once
// From one replica of a service to the runtime's ContainerSpec. Pure apart from creating the
// host directories of named volumes and secret/config files that come from the environment.
#include <filesystem>
#include <string>
#include <vector>

#include "image/store/image_store.hpp"
#include "orchestrator/engine/stack_extension.hpp"
#include "orchestrator/model/project.hpp"
#include "runtime/spec.hpp"

namespace stk::engine {

struct InstanceInputs {
    const model::Project* project = nullptr;
    const model::Service* service = nullptr;
    int index = 1;
    std::string name;                    // the container's name
    std::filesystem::path dir;           // <run_root>/<project>/containers/<name>: hosts, resolv.conf, secrets
    std::filesystem::path netns_path;    // the namespace the network made; empty: none/host
    // The service's image (its layers become the root) when it has `image:` and no
    // x-stack.rootfs; `service` is then already apply_image_config()'s result.
    const image::ImageRecord* image = nullptr;
};

// Throws Error naming the service for what cannot run (an image that was not resolved, a
// missing rootfs directory, no command, a bad stop signal...).
runtime::ContainerSpec build_container_spec(const InstanceInputs& in);

// The container label naming the manifest digest of its image (`rmi` keeps those in use).
inline constexpr const char* kImageManifestLabel = "io.stack.image.manifest";

// The host directory holding a named volume's data (created on first use).
std::filesystem::path volume_dir(const std::string& volume_name);

// Keys of the service that stack does not honour yet: printed once by `up` as warnings.
std::vector<std::string> unhonoured_keys(const model::Service& service);

}  // namespace stk::engine
