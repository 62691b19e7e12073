#pragma once
// What `stack export k8s` is asked to do besides translating the stack file.
#include <string>

namespace stk::k8s {

struct ExportOptions {
    std::string pvc_size = "1Gi";     // storage request of each named volume's claim
    bool allow_hostpath = false;      // bind mounts become hostPath volumes instead of an error
    bool network_policies = false;    // one NetworkPolicy per stack network
    std::string namespace_name;       // "" : whatever namespace kubectl applies to
    // Images of the init containers that wait for dependencies: a shell with nc and nslookup,
    // and kubectl for waiting on Jobs.
    std::string wait_image = "busybox:1.36";
    std::string kubectl_image = "registry.k8s.io/kubectl:v1.30.0";
};

// Throws Error naming the option when a value cannot go into a manifest.
void check_options(const ExportOptions& options);

}  // namespace stk::k8s
