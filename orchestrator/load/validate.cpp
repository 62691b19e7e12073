#include "orchestrator/load/validate.hpp"

#include <set>
#include <tuple>

namespace stk::load {
namespace {

class Checker {
public:
    Checker(const model::Project& p, const LocationIndex& locs, Diagnostics& diags)
        : p_(p), locs_(locs), diags_(diags) {
        for (const auto& s : p.services) names_.push_back(s.name);
    }

    void run() {
        for (const auto& s : p_.services) check_service(s);
        check_ports();
    }

private:
    Location where(const std::string& path) const {
        // The nearest recorded ancestor of `path`.
        std::string p = path;
        for (;;) {
            auto it = locs_.find(p);
            if (it != locs_.end()) return it->second;
            auto cut = p.find_last_of(".[");
            if (cut == std::string::npos) return {};
            p = p.substr(0, cut);
        }
    }

    void error(const std::string& path, std::string msg, std::string hint) {
        diags_.error(where(path), path, std::move(msg), std::move(hint));
    }

    void need_service(const std::string& path, const std::string& name, const std::string& what) {
        if (p_.find_service(name)) return;
        std::string near = nearest_name(name, names_);
        error(path, what + " \"" + name + "\" is not a service of this project",
              near.empty() ? "define it under services or remove the reference"
                           : "did you mean \"" + near + "\"?");
    }

    template <typename Map>
    void need_resource(const std::string& path, const std::string& name, const Map& m,
                       const char* section) {
        if (m.count(name)) return;
        std::vector<std::string> keys;
        for (const auto& [k, v] : m) keys.push_back(k);
        std::string near = nearest_name(name, keys);
        error(path, std::string("undefined ") + section + " \"" + name + "\"",
              near.empty() ? std::string("declare it under the top-level ") + section + " key"
                           : "did you mean \"" + near + "\"?");
    }

    void service_ref(const std::string& path, const std::string& value, const char* key) {
        if (value.rfind("service:", 0) == 0)
            need_service(path, value.substr(8), std::string(key) + " service");
    }

    void check_service(const model::Service& s) {
        std::string base = "services." + s.name;
        for (const auto& [dep, d] : s.depends_on) {
            if (dep == s.name) error(base + ".depends_on." + dep, "service depends on itself",
                                     "remove \"" + dep + "\" from its depends_on");
            else need_service(base + ".depends_on." + dep, dep, "depends_on");
        }
        for (size_t i = 0; i < s.links.size(); ++i)
            need_service(base + ".links[" + std::to_string(i) + "]",
                         s.links[i].substr(0, s.links[i].find(':')), "link");
        service_ref(base + ".network_mode", s.network_mode, "network_mode");
        service_ref(base + ".pid", s.pid, "pid");
        service_ref(base + ".ipc", s.ipc, "ipc");
        for (size_t i = 0; i < s.volumes_from.size(); ++i) {
            const std::string& v = s.volumes_from[i];
            if (v.rfind("container:", 0) == 0) continue;
            need_service(base + ".volumes_from[" + std::to_string(i) + "]", v.substr(0, v.find(':')),
                         "volumes_from");
        }
        if (!s.network_mode.empty() && s.network_mode != "bridge" && !s.networks.empty() &&
            !(s.networks.size() == 1 && s.networks.count("default") && !p_.networks.count("default")))
            error(base + ".network_mode", "network_mode cannot be used with networks",
                  "remove one of them");
        for (const auto& [net, n] : s.networks) need_resource(base + ".networks." + net, net, p_.networks, "networks");
        for (size_t i = 0; i < s.volumes.size(); ++i) {
            const auto& v = s.volumes[i];
            if (v.type == "volume" && !v.source.empty())
                need_resource(base + ".volumes[" + std::to_string(i) + "]", v.source, p_.volumes, "volumes");
        }
        for (size_t i = 0; i < s.secrets.size(); ++i)
            need_resource(base + ".secrets[" + std::to_string(i) + "]", s.secrets[i].source, p_.secrets, "secrets");
        for (size_t i = 0; i < s.configs.size(); ++i)
            need_resource(base + ".configs[" + std::to_string(i) + "]", s.configs[i].source, p_.configs, "configs");
        if (s.build)
            for (size_t i = 0; i < s.build->secrets.size(); ++i)
                need_resource(base + ".build.secrets[" + std::to_string(i) + "]", s.build->secrets[i].source,
                              p_.secrets, "secrets");
        uint64_t replicas = s.scale.value_or(s.deploy && s.deploy->replicas ? *s.deploy->replicas : 1);
        if (!s.container_name.empty() && replicas > 1)
            error(base + ".container_name",
                  "container_name \"" + s.container_name + "\" with " + std::to_string(replicas) +
                      " replicas",
                  "a container name is unique: remove container_name or use one replica");
    }

    static bool wildcard(const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; }

    void check_ports() {
        struct Use {
            std::string ip, service, path;
        };
        std::map<std::pair<std::string, std::string>, std::vector<Use>> used;  // (port, proto)
        for (const auto& s : p_.services) {
            for (size_t i = 0; i < s.ports.size(); ++i) {
                const auto& port = s.ports[i];
                if (port.published.empty() || port.published.find('-') != std::string::npos) continue;
                std::string path = "services." + s.name + ".ports[" + std::to_string(i) + "]";
                auto& uses = used[{port.published, port.protocol}];
                for (const auto& u : uses) {
                    if (u.ip == port.host_ip || wildcard(u.ip) || wildcard(port.host_ip)) {
                        std::string addr = (port.host_ip.empty() ? std::string() : port.host_ip + ":") +
                                           port.published + "/" + port.protocol;
                        error(path, "host port " + addr + " is already published by service \"" +
                                        u.service + "\" (" + u.path + ")",
                              "publish a different host port or remove one of them");
                        break;
                    }
                }
                uses.push_back({port.host_ip, s.name, path});
            }
        }
    }

    const model::Project& p_;
    const LocationIndex& locs_;
    Diagnostics& diags_;
    std::vector<std::string> names_;
};

}  // namespace

void validate_project(const model::Project& project, const LocationIndex& locations,
                      Diagnostics& diags) {
    Checker(project, locations, diags).run();
}

}  // namespace stk::load
