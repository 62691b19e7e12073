// One service: every key of the specification, each to its typed field.
#include "orchestrator/load/decode_parts.hpp"
#include "orchestrator/load/units.hpp"

#include <algorithm>
#include <cctype>

namespace stk::load {
namespace {

auto str = [](DecodeContext& c, const Node& n, const std::string& p) { return read_string(c, n, p); };
auto opt_bool = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_bool(c, n, p);
    return v ? std::optional<std::optional<bool>>(*v) : std::nullopt;
};
auto opt_int = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_int(c, n, p);
    return v ? std::optional<std::optional<int64_t>>(*v) : std::nullopt;
};
auto opt_double = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_double(c, n, p);
    return v ? std::optional<std::optional<double>>(*v) : std::nullopt;
};
auto opt_bytes = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_bytes(c, n, p);
    return v ? std::optional<std::optional<model::Bytes>>(*v) : std::nullopt;
};
auto opt_duration = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_duration(c, n, p);
    return v ? std::optional<std::optional<model::Duration>>(*v) : std::nullopt;
};
auto strings = [](DecodeContext& c, const Node& n, const std::string& p) {
    return std::optional<std::vector<std::string>>(read_string_list(c, n, p));
};
auto string_or_list = [](DecodeContext& c, const Node& n, const std::string& p) {
    return std::optional<std::vector<std::string>>(read_string_or_list(c, n, p));
};
auto string_map = [](DecodeContext& c, const Node& n, const std::string& p) {
    return std::optional<model::StringMap>(read_string_map(c, n, p));
};

bool valid_restart(const std::string& r) {
    if (r == "no" || r == "always" || r == "unless-stopped" || r == "on-failure") return true;
    if (r.rfind("on-failure:", 0) != 0) return false;
    std::string n = r.substr(11);
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(c); });
}

}  // namespace

model::Service decode_service(DecodeContext& ctx, const std::string& name, const Node& n,
                              const std::string& path) {
    model::Service s;
    s.name = name;
    MapReader r(ctx, n, path);
    if (!r.ok()) return s;

    r.field("image", s.image, str);
    if (const Node* v = r.get("build")) s.build = decode_build(ctx, *v, r.sub("build"));
    r.field("pull_policy", s.pull_policy, str);
    r.field("pull_refresh_after", s.pull_refresh_after, str);
    r.field("platform", s.platform, str);

    if (const Node* v = r.get("command")) s.command = decode_command(ctx, *v, r.sub("command"));
    if (const Node* v = r.get("entrypoint")) s.entrypoint = decode_command(ctx, *v, r.sub("entrypoint"));
    r.field("working_dir", s.working_dir, str);
    r.field("user", s.user, str);
    r.field("group_add", s.group_add, strings);
    if (const Node* v = r.get("environment"))
        s.environment = read_list_or_dict(ctx, *v, r.sub("environment"), true);
    if (const Node* v = r.get("env_file")) s.env_file = decode_env_file(ctx, *v, r.sub("env_file"));
    r.field("label_file", s.label_file, string_or_list);
    r.field("labels", s.labels, string_map);
    r.field("annotations", s.annotations, string_map);

    if (const Node* v = r.get("ports")) s.ports = decode_ports(ctx, *v, r.sub("ports"));
    r.field("expose", s.expose, strings);
    if (const Node* v = r.get("volumes")) s.volumes = decode_volumes(ctx, *v, r.sub("volumes"));
    r.field("volumes_from", s.volumes_from, strings);
    r.field("tmpfs", s.tmpfs, string_or_list);
    if (const Node* v = r.get("secrets")) s.secrets = decode_file_refs(ctx, *v, r.sub("secrets"));
    if (const Node* v = r.get("configs")) s.configs = decode_file_refs(ctx, *v, r.sub("configs"));
    if (const Node* v = r.get("devices")) s.devices = decode_devices(ctx, *v, r.sub("devices"));
    r.field("device_cgroup_rules", s.device_cgroup_rules, strings);
    if (const Node* v = r.get("gpus")) s.gpus = decode_device_requests(ctx, *v, r.sub("gpus"));

    if (const Node* v = r.get("depends_on")) s.depends_on = decode_depends_on(ctx, *v, r.sub("depends_on"));
    r.field("links", s.links, strings);
    r.field("external_links", s.external_links, strings);
    if (const Node* v = r.get("healthcheck")) s.healthcheck = decode_healthcheck(ctx, *v, r.sub("healthcheck"));
    r.field("restart", s.restart, str);
    if (!s.restart.empty() && !valid_restart(s.restart))
        ctx.error(*r.get("restart"), r.sub("restart"), "invalid restart policy \"" + s.restart + "\"",
                  "use no, always, on-failure[:N] or unless-stopped");
    if (const Node* v = r.get("deploy")) s.deploy = decode_deploy(ctx, *v, r.sub("deploy"));
    if (const Node* v = r.get("scale")) {
        if (auto x = read_int(ctx, *v, r.sub("scale"), 0)) s.scale = static_cast<uint64_t>(*x);
    }
    r.field("profiles", s.profiles, strings);
    if (const Node* v = r.get("develop")) s.develop = decode_develop(ctx, *v, r.sub("develop"));
    if (const Node* v = r.get("post_start")) s.post_start = decode_hooks(ctx, *v, r.sub("post_start"));
    if (const Node* v = r.get("pre_stop")) s.pre_stop = decode_hooks(ctx, *v, r.sub("pre_stop"));
    if (const Node* v = r.get("provider")) {
        MapReader pr(ctx, *v, r.sub("provider"));
        if (pr.ok()) {
            model::Provider p;
            pr.field("type", p.type, str);
            if (const Node* o = pr.get("options")) {
                if (o->is_map())
                    for (const auto& e : o->entries) p.options[e.key] = to_json_value(e.value);
                else ctx.wrong_type(*o, pr.sub("options"), "a mapping");
            }
            model::Extensions ignored;
            pr.finish(&ignored);
            s.provider = p;
        }
    }
    if (const Node* v = r.get("models")) {
        if (v->is_seq()) {
            for (auto& m : read_string_list(ctx, *v, r.sub("models"))) s.models[m] = {};
        } else if (v->is_map()) {
            for (const auto& e : v->entries) {
                model::ServiceModel m;
                if (!e.value.is_null()) {
                    MapReader mr(ctx, e.value, r.sub("models") + "." + e.key);
                    mr.field("endpoint_var", m.endpoint_var, str);
                    mr.field("model_var", m.model_var, str);
                    mr.finish(nullptr);
                }
                s.models[e.key] = m;
            }
        } else {
            ctx.wrong_type(*v, r.sub("models"), "a list or a mapping");
        }
    }

    if (const Node* v = r.get("networks")) s.networks = decode_service_networks(ctx, *v, r.sub("networks"));
    r.field("network_mode", s.network_mode, str);
    r.field("hostname", s.hostname, str);
    r.field("domainname", s.domainname, str);
    r.field("mac_address", s.mac_address, str);
    r.field("dns", s.dns, string_or_list);
    r.field("dns_opt", s.dns_opt, strings);
    r.field("dns_search", s.dns_search, string_or_list);
    if (const Node* v = r.get("extra_hosts")) s.extra_hosts = decode_extra_hosts(ctx, *v, r.sub("extra_hosts"));

    if (const Node* v = r.get("logging")) {
        MapReader lr(ctx, *v, r.sub("logging"));
        if (lr.ok()) {
            model::Logging l;
            lr.field("driver", l.driver, str);
            lr.field("options", l.options, string_map);
            model::Extensions ignored;
            lr.finish(&ignored);
            s.logging = l;
        }
    }
    if (const Node* v = r.get("ulimits")) s.ulimits = decode_ulimits(ctx, *v, r.sub("ulimits"));
    r.field("sysctls", s.sysctls, string_map);
    r.field("storage_opt", s.storage_opt, string_map);

    r.field("cap_add", s.cap_add, strings);
    r.field("cap_drop", s.cap_drop, strings);
    r.field("security_opt", s.security_opt, strings);
    r.field("privileged", s.privileged, opt_bool);
    r.field("read_only", s.read_only, opt_bool);
    r.field("init", s.init, opt_bool);
    r.field("tty", s.tty, opt_bool);
    r.field("stdin_open", s.stdin_open, opt_bool);
    r.field("oom_kill_disable", s.oom_kill_disable, opt_bool);
    r.field("attach", s.attach, opt_bool);
    r.field("use_api_socket", s.use_api_socket, opt_bool);
    if (const Node* v = r.get("credential_spec")) {
        MapReader cr(ctx, *v, r.sub("credential_spec"));
        if (cr.ok()) {
            model::CredentialSpec c;
            cr.field("config", c.config, str);
            cr.field("file", c.file, str);
            cr.field("registry", c.registry, str);
            model::Extensions ignored;
            cr.finish(&ignored);
            s.credential_spec = c;
        }
    }

    r.field("container_name", s.container_name, str);
    r.field("cgroup", s.cgroup, str);
    if (!s.cgroup.empty() && s.cgroup != "host" && s.cgroup != "private")
        ctx.error(*r.get("cgroup"), r.sub("cgroup"), "invalid cgroup \"" + s.cgroup + "\"",
                  "use host or private");
    r.field("cgroup_parent", s.cgroup_parent, str);
    r.field("ipc", s.ipc, str);
    r.field("pid", s.pid, str);
    r.field("uts", s.uts, str);
    r.field("userns_mode", s.userns_mode, str);
    r.field("isolation", s.isolation, str);
    r.field("runtime", s.runtime, str);
    r.field("stop_signal", s.stop_signal, str);
    r.field("stop_grace_period", s.stop_grace_period, opt_duration);

    r.field("cpu_count", s.cpu_count, opt_int);
    r.field("cpu_percent", s.cpu_percent, opt_double);
    r.field("cpu_period", s.cpu_period, opt_int);
    r.field("cpu_quota", s.cpu_quota, opt_int);
    r.field("cpu_rt_period", s.cpu_rt_period, opt_duration);
    r.field("cpu_rt_runtime", s.cpu_rt_runtime, opt_duration);
    r.field("cpu_shares", s.cpu_shares, opt_int);
    r.field("cpus", s.cpus, opt_double);
    r.field("cpuset", s.cpuset, str);
    r.field("mem_limit", s.mem_limit, opt_bytes);
    r.field("mem_reservation", s.mem_reservation, opt_bytes);
    if (const Node* v = r.get("mem_swappiness")) s.mem_swappiness = read_int(ctx, *v, r.sub("mem_swappiness"), 0, 100);
    r.field("memswap_limit", s.memswap_limit, opt_bytes);
    if (const Node* v = r.get("oom_score_adj")) s.oom_score_adj = read_int(ctx, *v, r.sub("oom_score_adj"), -1000, 1000);
    r.field("pids_limit", s.pids_limit, opt_int);
    r.field("shm_size", s.shm_size, opt_bytes);
    if (const Node* v = r.get("blkio_config")) s.blkio_config = decode_blkio(ctx, *v, r.sub("blkio_config"));

    // Resolved by the loader's first stage; accepted here when a tree still carries it.
    r.get("extends");
    r.finish(&s.extensions);

    // `x-stack: {rootfs: ...}` (host view or a directory) is a root filesystem too.
    auto xs = s.extensions.find("x-stack");
    bool stack_rootfs = xs != s.extensions.end() && xs->second.is_object() &&
                        xs->second.contains("rootfs");
    if (s.image.empty() && !s.build && !s.provider && !stack_rootfs)
        ctx.error(n, path, "has neither image nor build",
                  "add an image: or a build: section (or x-stack: {rootfs: host | ./dir})");
    return s;
}

}  // namespace stk::load
