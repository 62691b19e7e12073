#pragma once
// The volumes of one pod and the mounts of its container, with unique volume names and
// mount paths (the API server rejects duplicates of either).
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace stk::k8s {

class PodVolumes {
public:
    // Adds a volume named after `base` (a DNS-1123 label, given a number when taken); returns
    // the name given.
    std::string add(const std::string& base, nlohmann::json source);
    // False when something is already mounted at `path`.
    bool mount(const std::string& volume, const std::string& path, bool read_only,
               const std::string& sub_path = {});

    const nlohmann::json& volumes() const { return volumes_; }
    const nlohmann::json& mounts() const { return mounts_; }

private:
    nlohmann::json volumes_ = nlohmann::json::array();
    nlohmann::json mounts_ = nlohmann::json::array();
    std::set<std::string> names_;
    std::set<std::string> paths_;
};

}  // namespace stk::k8s
