// Model -> canonical JSON. Empty and unset fields are left out.
#include <set>

#include "orchestrator/load/emit.hpp"
#include "orchestrator/load/units.hpp"

namespace stk::load {
namespace {

using nlohmann::json;

void put(json& o, const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
}
void put(json& o, const char* key, const std::vector<std::string>& v) {
    if (!v.empty()) o[key] = v;
}
void put(json& o, const char* key, const model::StringMap& v) {
    if (!v.empty()) o[key] = v;
}
void put(json& o, const char* key, const model::OptionalStringMap& v) {
    if (v.empty()) return;
    json m = json::object();
    for (const auto& [k, val] : v) m[k] = val ? json(*val) : json(nullptr);
    o[key] = m;
}
void put_true(json& o, const char* key, bool v) {
    if (v) o[key] = true;
}
template <typename T>
void put(json& o, const char* key, const std::optional<T>& v) {
    if (v) o[key] = *v;
}
void put(json& o, const char* key, const std::optional<model::Duration>& v) {
    if (v) o[key] = format_duration(*v);
}
void put_ext(json& o, const model::Extensions& ext) {
    for (const auto& [k, v] : ext) o[k] = v;
}

json command_json(const model::CommandLine& c) { return c.argv; }

json port_json(const model::PortMapping& p) {
    json o;
    o["target"] = p.target;
    put(o, "published", p.published);
    put(o, "host_ip", p.host_ip);
    o["protocol"] = p.protocol;
    o["mode"] = p.mode;
    put(o, "name", p.name);
    put(o, "app_protocol", p.app_protocol);
    return o;
}

json volume_json(const model::VolumeMount& v) {
    json o;
    o["type"] = v.type;
    put(o, "source", v.source);
    o["target"] = v.target;
    put_true(o, "read_only", v.read_only);
    put(o, "consistency", v.consistency);
    if (v.bind) {
        json b;
        put(b, "propagation", v.bind->propagation);
        b["create_host_path"] = v.bind->create_host_path;
        put(b, "selinux", v.bind->selinux);
        o["bind"] = b;
    }
    if (v.volume) {
        json b = json::object();
        put_true(b, "nocopy", v.volume->nocopy);
        put(b, "subpath", v.volume->subpath);
        o["volume"] = b;
    }
    if (v.tmpfs) {
        json b = json::object();
        put(b, "size", v.tmpfs->size);
        put(b, "mode", v.tmpfs->mode);
        o["tmpfs"] = b;
    }
    if (v.image) {
        json b = json::object();
        put(b, "subpath", v.image->subpath);
        o["image"] = b;
    }
    put_ext(o, v.extensions);
    return o;
}

json file_ref_json(const model::FileReference& f) {
    json o;
    o["source"] = f.source;
    put(o, "target", f.target);
    put(o, "uid", f.uid);
    put(o, "gid", f.gid);
    put(o, "mode", f.mode);
    put_ext(o, f.extensions);
    return o;
}

json ulimits_json(const std::map<std::string, model::Ulimit>& u) {
    json o = json::object();
    for (const auto& [k, v] : u)
        o[k] = v.single ? json(v.soft) : json{{"soft", v.soft}, {"hard", v.hard}};
    return o;
}

json extra_hosts_json(const std::map<std::string, std::vector<std::string>>& h) {
    json a = json::array();
    for (const auto& [host, ips] : h)
        for (const auto& ip : ips) a.push_back(host + "=" + ip);
    return a;
}

json device_requests_json(const std::vector<model::DeviceRequest>& ds) {
    json a = json::array();
    for (const auto& d : ds) {
        json o = json::object();
        put(o, "capabilities", d.capabilities);
        put(o, "driver", d.driver);
        if (d.count) o["count"] = *d.count < 0 ? json("all") : json(*d.count);
        put(o, "device_ids", d.device_ids);
        put(o, "options", d.options);
        a.push_back(o);
    }
    return a;
}

json limits_json(const model::ResourceLimits& l) {
    json o = json::object();
    put(o, "cpus", l.cpus);
    put(o, "memory", l.memory);
    put(o, "pids", l.pids);
    if (!l.devices.empty()) o["devices"] = device_requests_json(l.devices);
    return o;
}

json update_json(const model::UpdateConfig& u) {
    json o = json::object();
    put(o, "parallelism", u.parallelism);
    put(o, "delay", u.delay);
    put(o, "failure_action", u.failure_action);
    put(o, "monitor", u.monitor);
    put(o, "max_failure_ratio", u.max_failure_ratio);
    put(o, "order", u.order);
    return o;
}

json deploy_json(const model::Deploy& d) {
    json o = json::object();
    put(o, "mode", d.mode);
    put(o, "replicas", d.replicas);
    put(o, "labels", d.labels);
    put(o, "endpoint_mode", d.endpoint_mode);
    if (d.resources) {
        json r = json::object();
        if (d.resources->limits) r["limits"] = limits_json(*d.resources->limits);
        if (d.resources->reservations) r["reservations"] = limits_json(*d.resources->reservations);
        o["resources"] = r;
    }
    if (d.restart_policy) {
        json r = json::object();
        put(r, "condition", d.restart_policy->condition);
        put(r, "delay", d.restart_policy->delay);
        put(r, "max_attempts", d.restart_policy->max_attempts);
        put(r, "window", d.restart_policy->window);
        o["restart_policy"] = r;
    }
    if (d.update_config) o["update_config"] = update_json(*d.update_config);
    if (d.rollback_config) o["rollback_config"] = update_json(*d.rollback_config);
    if (d.placement) {
        json p = json::object();
        put(p, "constraints", d.placement->constraints);
        if (!d.placement->preferences.empty()) {
            json a = json::array();
            for (const auto& s : d.placement->preferences) a.push_back({{"spread", s}});
            p["preferences"] = a;
        }
        put(p, "max_replicas_per_node", d.placement->max_replicas_per_node);
        o["placement"] = p;
    }
    put_ext(o, d.extensions);
    return o;
}

json build_json(const model::Build& b) {
    json o = json::object();
    o["context"] = b.context;
    put(o, "dockerfile", b.dockerfile);
    put(o, "dockerfile_inline", b.dockerfile_inline);
    put(o, "args", b.args);
    put(o, "ssh", b.ssh);
    put(o, "labels", b.labels);
    put(o, "cache_from", b.cache_from);
    put(o, "cache_to", b.cache_to);
    put_true(o, "no_cache", b.no_cache);
    put(o, "additional_contexts", b.additional_contexts);
    put(o, "network", b.network);
    put_true(o, "pull", b.pull);
    put(o, "target", b.target);
    put(o, "shm_size", b.shm_size);
    if (!b.extra_hosts.empty()) o["extra_hosts"] = extra_hosts_json(b.extra_hosts);
    put(o, "isolation", b.isolation);
    put_true(o, "privileged", b.privileged);
    if (!b.secrets.empty()) {
        json a = json::array();
        for (const auto& s : b.secrets) a.push_back(file_ref_json(s));
        o["secrets"] = a;
    }
    put(o, "tags", b.tags);
    if (!b.ulimits.empty()) o["ulimits"] = ulimits_json(b.ulimits);
    put(o, "platforms", b.platforms);
    put(o, "entitlements", b.entitlements);
    put_ext(o, b.extensions);
    return o;
}

json hook_json(const model::ServiceHook& h) {
    json o = json::object();
    o["command"] = h.command;
    put(o, "user", h.user);
    put_true(o, "privileged", h.privileged);
    put(o, "working_dir", h.working_dir);
    put(o, "environment", h.environment);
    return o;
}

json healthcheck_json(const model::Healthcheck& h) {
    json o = json::object();
    switch (h.kind) {
        case model::HealthTestKind::Inherit:
            break;
        case model::HealthTestKind::None:
            o["test"] = json::array({"NONE"});
            break;
        case model::HealthTestKind::Cmd:
        case model::HealthTestKind::CmdShell: {
            json t = json::array({h.kind == model::HealthTestKind::Cmd ? "CMD" : "CMD-SHELL"});
            for (const auto& a : h.test) t.push_back(a);
            o["test"] = t;
            break;
        }
    }
    put(o, "interval", h.interval);
    put(o, "timeout", h.timeout);
    put(o, "start_period", h.start_period);
    put(o, "start_interval", h.start_interval);
    put(o, "retries", h.retries);
    put_true(o, "disable", h.disable);
    return o;
}

json throttle_json(const std::vector<model::ThrottleDevice>& ts) {
    json a = json::array();
    for (const auto& t : ts) a.push_back({{"path", t.path}, {"rate", t.rate}});
    return a;
}

json network_json(const model::Network& n) {
    json o = json::object();
    o["name"] = n.name;
    put(o, "driver", n.driver);
    put(o, "driver_opts", n.driver_opts);
    if (n.ipam) {
        json i = json::object();
        put(i, "driver", n.ipam->driver);
        if (!n.ipam->config.empty()) {
            json a = json::array();
            for (const auto& p : n.ipam->config) {
                json c = json::object();
                put(c, "subnet", p.subnet);
                put(c, "ip_range", p.ip_range);
                put(c, "gateway", p.gateway);
                put(c, "aux_addresses", p.aux_addresses);
                a.push_back(c);
            }
            i["config"] = a;
        }
        put(i, "options", n.ipam->options);
        o["ipam"] = i;
    }
    put_true(o, "external", n.external);
    put_true(o, "internal", n.internal);
    put_true(o, "attachable", n.attachable);
    put(o, "enable_ipv4", n.enable_ipv4);
    put(o, "enable_ipv6", n.enable_ipv6);
    put(o, "labels", n.labels);
    put_ext(o, n.extensions);
    return o;
}

json volume_top_json(const model::Volume& v) {
    json o = json::object();
    o["name"] = v.name;
    put(o, "driver", v.driver);
    put(o, "driver_opts", v.driver_opts);
    put_true(o, "external", v.external);
    put(o, "labels", v.labels);
    put_ext(o, v.extensions);
    return o;
}

json file_object_json(const model::FileObject& f) {
    json o = json::object();
    o["name"] = f.name;
    put(o, "file", f.file);
    put(o, "environment", f.environment);
    put(o, "content", f.content);
    put_true(o, "external", f.external);
    put(o, "driver", f.driver);
    put(o, "driver_opts", f.driver_opts);
    put(o, "template_driver", f.template_driver);
    put(o, "labels", f.labels);
    put_ext(o, f.extensions);
    return o;
}

}  // namespace

json service_to_json(const model::Service& s) {
    json o = json::object();
    put(o, "image", s.image);
    if (s.build) o["build"] = build_json(*s.build);
    put(o, "pull_policy", s.pull_policy);
    put(o, "pull_refresh_after", s.pull_refresh_after);
    put(o, "platform", s.platform);
    if (s.command) o["command"] = command_json(*s.command);
    if (s.entrypoint) o["entrypoint"] = command_json(*s.entrypoint);
    put(o, "working_dir", s.working_dir);
    put(o, "user", s.user);
    put(o, "group_add", s.group_add);
    put(o, "environment", s.environment);
    if (!s.env_file.empty()) {
        json a = json::array();
        for (const auto& e : s.env_file) {
            json f = {{"path", e.path}, {"required", e.required}};
            put(f, "format", e.format);
            a.push_back(f);
        }
        o["env_file"] = a;
    }
    put(o, "label_file", s.label_file);
    put(o, "labels", s.labels);
    put(o, "annotations", s.annotations);
    if (!s.ports.empty()) {
        json a = json::array();
        for (const auto& p : s.ports) a.push_back(port_json(p));
        o["ports"] = a;
    }
    put(o, "expose", s.expose);
    if (!s.volumes.empty()) {
        json a = json::array();
        for (const auto& v : s.volumes) a.push_back(volume_json(v));
        o["volumes"] = a;
    }
    put(o, "volumes_from", s.volumes_from);
    put(o, "tmpfs", s.tmpfs);
    auto refs = [&](const char* key, const std::vector<model::FileReference>& v) {
        if (v.empty()) return;
        json a = json::array();
        for (const auto& f : v) a.push_back(file_ref_json(f));
        o[key] = a;
    };
    refs("secrets", s.secrets);
    refs("configs", s.configs);
    if (!s.devices.empty()) {
        json a = json::array();
        for (const auto& d : s.devices)
            a.push_back({{"source", d.source}, {"target", d.target}, {"permissions", d.permissions}});
        o["devices"] = a;
    }
    put(o, "device_cgroup_rules", s.device_cgroup_rules);
    if (!s.gpus.empty()) o["gpus"] = device_requests_json(s.gpus);
    if (!s.depends_on.empty()) {
        json m = json::object();
        for (const auto& [k, d] : s.depends_on) {
            json e = {{"condition", d.condition}, {"required", d.required}};
            put_true(e, "restart", d.restart);
            m[k] = e;
        }
        o["depends_on"] = m;
    }
    put(o, "links", s.links);
    put(o, "external_links", s.external_links);
    if (s.healthcheck) o["healthcheck"] = healthcheck_json(*s.healthcheck);
    put(o, "restart", s.restart);
    if (s.deploy) o["deploy"] = deploy_json(*s.deploy);
    put(o, "scale", s.scale);
    put(o, "profiles", s.profiles);
    if (s.develop) {
        json a = json::array();
        for (const auto& w : s.develop->watch) {
            json r = {{"path", w.path}, {"action", w.action}};
            put(r, "target", w.target);
            put(r, "ignore", w.ignore);
            put(r, "include", w.include);
            put_true(r, "initial_sync", w.initial_sync);
            if (w.exec) r["exec"] = hook_json(*w.exec);
            a.push_back(r);
        }
        o["develop"] = {{"watch", a}};
    }
    auto hooks = [&](const char* key, const std::vector<model::ServiceHook>& hs) {
        if (hs.empty()) return;
        json a = json::array();
        for (const auto& h : hs) a.push_back(hook_json(h));
        o[key] = a;
    };
    hooks("post_start", s.post_start);
    hooks("pre_stop", s.pre_stop);
    if (s.provider) {
        json p = {{"type", s.provider->type}};
        if (!s.provider->options.empty()) p["options"] = s.provider->options;
        o["provider"] = p;
    }
    if (!s.models.empty()) {
        json m = json::object();
        for (const auto& [k, v] : s.models) {
            json e = json::object();
            put(e, "endpoint_var", v.endpoint_var);
            put(e, "model_var", v.model_var);
            m[k] = e.empty() ? json(nullptr) : e;
        }
        o["models"] = m;
    }
    if (!s.networks.empty()) {
        json m = json::object();
        for (const auto& [k, n] : s.networks) {
            json e = json::object();
            put(e, "aliases", n.aliases);
            put(e, "ipv4_address", n.ipv4_address);
            put(e, "ipv6_address", n.ipv6_address);
            put(e, "link_local_ips", n.link_local_ips);
            put(e, "mac_address", n.mac_address);
            put(e, "interface_name", n.interface_name);
            put(e, "priority", n.priority);
            put(e, "gw_priority", n.gw_priority);
            put(e, "driver_opts", n.driver_opts);
            put_ext(e, n.extensions);
            m[k] = e.empty() ? json(nullptr) : e;
        }
        o["networks"] = m;
    }
    put(o, "network_mode", s.network_mode);
    put(o, "hostname", s.hostname);
    put(o, "domainname", s.domainname);
    put(o, "mac_address", s.mac_address);
    put(o, "dns", s.dns);
    put(o, "dns_opt", s.dns_opt);
    put(o, "dns_search", s.dns_search);
    if (!s.extra_hosts.empty()) o["extra_hosts"] = extra_hosts_json(s.extra_hosts);
    if (s.logging) {
        json l = json::object();
        put(l, "driver", s.logging->driver);
        put(l, "options", s.logging->options);
        o["logging"] = l;
    }
    if (!s.ulimits.empty()) o["ulimits"] = ulimits_json(s.ulimits);
    put(o, "sysctls", s.sysctls);
    put(o, "storage_opt", s.storage_opt);
    put(o, "cap_add", s.cap_add);
    put(o, "cap_drop", s.cap_drop);
    put(o, "security_opt", s.security_opt);
    put(o, "privileged", s.privileged);
    put(o, "read_only", s.read_only);
    put(o, "init", s.init);
    put(o, "tty", s.tty);
    put(o, "stdin_open", s.stdin_open);
    put(o, "oom_kill_disable", s.oom_kill_disable);
    put(o, "attach", s.attach);
    put(o, "use_api_socket", s.use_api_socket);
    if (s.credential_spec) {
        json c = json::object();
        put(c, "config", s.credential_spec->config);
        put(c, "file", s.credential_spec->file);
        put(c, "registry", s.credential_spec->registry);
        o["credential_spec"] = c;
    }
    put(o, "container_name", s.container_name);
    put(o, "cgroup", s.cgroup);
    put(o, "cgroup_parent", s.cgroup_parent);
    put(o, "ipc", s.ipc);
    put(o, "pid", s.pid);
    put(o, "uts", s.uts);
    put(o, "userns_mode", s.userns_mode);
    put(o, "isolation", s.isolation);
    put(o, "runtime", s.runtime);
    put(o, "stop_signal", s.stop_signal);
    put(o, "stop_grace_period", s.stop_grace_period);
    put(o, "cpu_count", s.cpu_count);
    put(o, "cpu_percent", s.cpu_percent);
    put(o, "cpu_period", s.cpu_period);
    put(o, "cpu_quota", s.cpu_quota);
    put(o, "cpu_rt_period", s.cpu_rt_period);
    put(o, "cpu_rt_runtime", s.cpu_rt_runtime);
    put(o, "cpu_shares", s.cpu_shares);
    put(o, "cpus", s.cpus);
    put(o, "cpuset", s.cpuset);
    put(o, "mem_limit", s.mem_limit);
    put(o, "mem_reservation", s.mem_reservation);
    put(o, "mem_swappiness", s.mem_swappiness);
    put(o, "memswap_limit", s.memswap_limit);
    put(o, "oom_score_adj", s.oom_score_adj);
    put(o, "pids_limit", s.pids_limit);
    put(o, "shm_size", s.shm_size);
    if (s.blkio_config) {
        const auto& b = *s.blkio_config;
        json c = json::object();
        put(c, "weight", b.weight);
        if (!b.weight_device.empty()) {
            json a = json::array();
            for (const auto& w : b.weight_device) a.push_back({{"path", w.path}, {"weight", w.weight}});
            c["weight_device"] = a;
        }
        if (!b.device_read_bps.empty()) c["device_read_bps"] = throttle_json(b.device_read_bps);
        if (!b.device_write_bps.empty()) c["device_write_bps"] = throttle_json(b.device_write_bps);
        if (!b.device_read_iops.empty()) c["device_read_iops"] = throttle_json(b.device_read_iops);
        if (!b.device_write_iops.empty()) c["device_write_iops"] = throttle_json(b.device_write_iops);
        o["blkio_config"] = c;
    }
    put_ext(o, s.extensions);
    return o;
}

json to_json(const model::Project& p) {
    json o = json::object();
    o["name"] = p.name;
    json services = json::object();
    for (const auto& s : p.services) services[s.name] = service_to_json(s);
    o["services"] = services;
    if (!p.networks.empty()) {
        json m = json::object();
        for (const auto& [k, n] : p.networks) m[k] = network_json(n);
        o["networks"] = m;
    }
    if (!p.volumes.empty()) {
        json m = json::object();
        for (const auto& [k, v] : p.volumes) m[k] = volume_top_json(v);
        o["volumes"] = m;
    }
    auto objects = [&](const char* key, const std::map<std::string, model::FileObject>& fs) {
        if (fs.empty()) return;
        json m = json::object();
        for (const auto& [k, f] : fs) m[k] = file_object_json(f);
        o[key] = m;
    };
    objects("secrets", p.secrets);
    objects("configs", p.configs);
    if (!p.models.empty()) {
        json m = json::object();
        for (const auto& [k, v] : p.models) {
            json e = json::object();
            put(e, "name", v.name);
            put(e, "model", v.model);
            put(e, "context_size", v.context_size);
            put(e, "runtime_flags", v.runtime_flags);
            m[k] = e;
        }
        o["models"] = m;
    }
    put_ext(o, p.extensions);
    return o;
}

std::vector<std::string> service_names(const model::Project& p) {
    std::vector<std::string> out;
    for (const auto& s : p.services) out.push_back(s.name);
    return out;
}

std::vector<std::string> volume_names(const model::Project& p) {
    std::vector<std::string> out;
    for (const auto& [k, v] : p.volumes) out.push_back(k);
    return out;
}

std::vector<std::string> network_names(const model::Project& p) {
    std::vector<std::string> out;
    for (const auto& [k, v] : p.networks) out.push_back(k);
    return out;
}

std::vector<std::string> image_names(const model::Project& p) {
    std::set<std::string> out;
    for (const auto& s : p.services) out.insert(s.image.empty() ? p.name + "-" + s.name : s.image);
    return {out.begin(), out.end()};
}

std::vector<std::string> profile_names(const model::Project& p) {
    std::set<std::string> out;
    for (const auto& s : p.services) out.insert(s.profiles.begin(), s.profiles.end());
    return {out.begin(), out.end()};
}

}  // namespace stk::load
