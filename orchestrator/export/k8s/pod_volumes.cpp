#include "orchestrator/export/k8s/pod_volumes.hpp"

#include "orchestrator/export/k8s/naming.hpp"

namespace stk::k8s {

std::string PodVolumes::add(const std::string& base, nlohmann::json source) {
    std::string name = dns1035_label(base);
    for (int n = 2; names_.count(name); ++n) name = dns1035_label(base + "-" + std::to_string(n));
    names_.insert(name);
    source["name"] = name;
    volumes_.push_back(std::move(source));
    return name;
}

bool PodVolumes::mount(const std::string& volume, const std::string& path, bool read_only,
                       const std::string& sub_path) {
    if (!paths_.insert(path).second) return false;
    nlohmann::json m = {{"name", volume}, {"mountPath", path}};
    if (read_only) m["readOnly"] = true;
    if (!sub_path.empty()) m["subPath"] = sub_path;
    mounts_.push_back(std::move(m));
    return true;
}

}  // namespace stk::k8s
