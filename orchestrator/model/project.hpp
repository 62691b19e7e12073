#pragma once
// A whole stack: services (sorted by name) and the top-level resources they use.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/service.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::model {

struct IpamPool {
    std::string subnet;
    std::string ip_range;
    std::string gateway;
    StringMap aux_addresses;
};

struct Ipam {
    std::string driver;
    std::vector<IpamPool> config;
    StringMap options;
};

struct Network {
    std::string name;  // the real name: "<project>_<key>" unless `name:` or external
    std::string driver;
    StringMap driver_opts;
    std::optional<Ipam> ipam;
    bool external = false;
    bool internal = false;
    bool attachable = false;
    std::optional<bool> enable_ipv4;
    std::optional<bool> enable_ipv6;
    StringMap labels;
    Extensions extensions;
};

struct Volume {
    std::string name;  // "<project>_<key>" unless `name:` or external
    std::string driver;
    StringMap driver_opts;
    bool external = false;
    StringMap labels;
    Extensions extensions;
};

// A top-level secret or config: from a file, an environment variable or inline content.
struct FileObject {
    std::string name;
    std::string file;  // absolute after normalisation
    std::string environment;
    std::string content;  // configs only
    bool external = false;
    std::string driver;
    StringMap driver_opts;
    std::string template_driver;
    StringMap labels;
    Extensions extensions;
};

struct Model {
    std::string name;
    std::string model;
    std::optional<int64_t> context_size;
    std::vector<std::string> runtime_flags;
};

struct Project {
    std::string name;
    std::filesystem::path working_dir;
    std::vector<Service> services;  // sorted by name
    std::map<std::string, Network> networks;
    std::map<std::string, Volume> volumes;
    std::map<std::string, FileObject> secrets;
    std::map<std::string, FileObject> configs;
    std::map<std::string, Model> models;
    Extensions extensions;

    const Service* find_service(const std::string& name) const;
    // The services declaring `depends_on: {name: {restart: true}}`: they restart with it.
    std::vector<std::string> restart_followers(const std::string& name) const;
};

}  // namespace stk::model
