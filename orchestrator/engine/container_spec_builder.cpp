#include "orchestrator/engine/container_spec_builder.hpp"

#include <fmt/format.h>

#include "orchestrator/engine/signal_names.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::engine {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

runtime::RootfsSpec rootfs_of(const model::Service& s, const StackExtension& x,
                              const image::ImageRecord* image) {
    runtime::RootfsSpec r;
    if (x.rootfs == "host") {
        r.kind = runtime::RootfsSpec::Kind::HostView;
    } else if (!x.rootfs.empty()) {
        if (!fs::is_directory(x.rootfs))
            throw Error(fmt::format("x-stack.rootfs \"{}\" is not a directory", x.rootfs));
        r.kind = runtime::RootfsSpec::Kind::Directory;
        r.directory = x.rootfs;
    } else if (image) {
        r.kind = runtime::RootfsSpec::Kind::Layers;
        r.lower_dirs = image->lower_dirs();
    } else if (!s.image.empty()) {
        throw Error(fmt::format("image \"{}\" was not resolved through the image store", s.image));
    } else {
        throw Error("no image and no x-stack.rootfs: nothing to run");
    }
    r.read_only = s.read_only.value_or(false);
    return r;
}

std::vector<std::string> command_of(const model::Service& s) {
    std::vector<std::string> argv;
    if (s.entrypoint) argv = s.entrypoint->argv;
    if (s.command) argv.insert(argv.end(), s.command->argv.begin(), s.command->argv.end());
    if (argv.empty())
        throw Error(s.image.empty() ? "no command or entrypoint (without an image there is no default command)"
                                    : "no command: neither the service nor its image gives an entrypoint or command");
    return argv;
}

std::vector<std::string> environment_of(const model::Service& s, const std::string& hostname) {
    std::vector<std::string> env;
    bool has_path = false;
    for (const auto& [k, v] : s.environment) {
        if (!v) continue;  // unresolved bare KEY: removed from the container, as compose does
        env.push_back(k + "=" + *v);
        has_path = has_path || k == "PATH";
    }
    if (!has_path) env.insert(env.begin(), std::string("PATH=") + kDefaultPath);
    if (!s.environment.count("HOSTNAME")) env.push_back("HOSTNAME=" + hostname);
    return env;
}

// "/run:size=64m,mode=1777" (the service-level `tmpfs:` list).
runtime::MountSpec tmpfs_entry(const std::string& text) {
    runtime::MountSpec m;
    m.kind = runtime::MountSpec::Kind::Tmpfs;
    auto colon = text.find(':');
    m.target = text.substr(0, colon);
    if (colon == std::string::npos) return m;
    std::string opts = text.substr(colon + 1);
    size_t start = 0;
    while (start < opts.size()) {
        size_t end = opts.find(',', start);
        if (end == std::string::npos) end = opts.size();
        std::string o = opts.substr(start, end - start);
        if (o.rfind("size=", 0) == 0) {
            std::string v = o.substr(5);
            uint64_t mult = 1;
            char last = v.empty() ? '\0' : static_cast<char>(::tolower(v.back()));
            if (last == 'k' || last == 'm' || last == 'g') {
                mult = last == 'k' ? 1024ull : last == 'm' ? 1024ull * 1024 : 1024ull * 1024 * 1024;
                v.pop_back();
            }
            try {
                m.tmpfs_size = std::stoull(v) * mult;
            } catch (const std::exception&) {
                throw Error(fmt::format("tmpfs \"{}\": bad size \"{}\"", text, o.substr(5)));
            }
        } else if (o.rfind("mode=", 0) == 0) {
            try {
                m.tmpfs_mode = static_cast<unsigned>(std::stoul(o.substr(5), nullptr, 8));
            } catch (const std::exception&) {
                throw Error(fmt::format("tmpfs \"{}\": bad mode \"{}\"", text, o.substr(5)));
            }
        } else if (o == "ro") {
            m.read_only = true;
        }
        start = end + 1;
    }
    return m;
}

runtime::MountSpec volume_entry(const model::Project& p, const model::VolumeMount& v,
                                const std::string& container, size_t index) {
    runtime::MountSpec m;
    m.target = v.target;
    m.read_only = v.read_only;
    if (v.type == "bind") {
        m.kind = runtime::MountSpec::Kind::Bind;
        m.source = v.source;
        m.create_source = !v.bind || v.bind->create_host_path;
    } else if (v.type == "volume") {
        m.kind = runtime::MountSpec::Kind::Volume;
        std::string name;
        if (v.source.empty()) {
            name = fmt::format("{}_anon_{}_{}", p.name, container, index);
        } else {
            auto it = p.volumes.find(v.source);
            name = it != p.volumes.end() ? it->second.name : v.source;
        }
        m.source = volume_dir(name);
        if (v.volume && !v.volume->subpath.empty()) m.source /= v.volume->subpath;
    } else if (v.type == "tmpfs") {
        m.kind = runtime::MountSpec::Kind::Tmpfs;
        if (v.tmpfs) {
            if (v.tmpfs->size) m.tmpfs_size = static_cast<uint64_t>(*v.tmpfs->size);
            if (v.tmpfs->mode) m.tmpfs_mode = *v.tmpfs->mode;
        }
    } else {
        throw Error(fmt::format("volume \"{}\": type \"{}\" is not supported", v.target, v.type));
    }
    return m;
}

// Secrets go to /run/secrets/<name> (or target), configs to /<name> (or target): read-only
// binds of the file, or of a file made from `environment` / `content`.
runtime::MountSpec file_object_entry(const std::map<std::string, model::FileObject>& objects,
                                     const model::FileReference& ref, bool secret,
                                     const model::Service& s, const fs::path& dir) {
    const char* what = secret ? "secret" : "config";
    auto it = objects.find(ref.source);
    if (it == objects.end())
        throw Error(fmt::format("{} \"{}\" is not defined at the top level", what, ref.source));
    const model::FileObject& o = it->second;
    if (o.external) throw Error(fmt::format("external {} \"{}\" is not supported", what, ref.source));
    runtime::MountSpec m;
    m.kind = runtime::MountSpec::Kind::Bind;
    m.read_only = true;
    m.create_source = false;
    if (ref.target.empty())
        m.target = secret ? "/run/secrets/" + ref.source : "/" + ref.source;
    else
        m.target = ref.target[0] == '/' ? ref.target
                                        : (secret ? "/run/secrets/" : "/") + ref.target;
    if (!o.file.empty()) {
        m.source = o.file;
    } else {
        std::string content = o.content;
        if (!o.environment.empty()) {
            auto e = s.environment.find(o.environment);
            const char* from_env = std::getenv(o.environment.c_str());
            if (e != s.environment.end() && e->second) content = *e->second;
            else if (from_env) content = from_env;
            else throw Error(fmt::format("{} \"{}\": environment variable \"{}\" is not set",
                                         what, ref.source, o.environment));
        }
        fs::create_directories(dir / (secret ? "secrets" : "configs"));
        m.source = dir / (secret ? "secrets" : "configs") / ref.source;
        write_file_atomic(m.source, content, secret ? 0400 : 0444);
    }
    return m;
}

void add_resources(runtime::Resources& r, const model::Service& s) {
    const model::ResourceLimits* lim = nullptr;
    const model::ResourceLimits* res = nullptr;
    if (s.deploy && s.deploy->resources) {
        if (s.deploy->resources->limits) lim = &*s.deploy->resources->limits;
        if (s.deploy->resources->reservations) res = &*s.deploy->resources->reservations;
    }
    if (s.mem_limit) r.memory_limit = *s.mem_limit;
    else if (lim && lim->memory) r.memory_limit = *lim->memory;
    if (s.memswap_limit) r.memory_swap_limit = *s.memswap_limit;
    if (s.mem_reservation) r.memory_reservation = *s.mem_reservation;
    else if (res && res->memory) r.memory_reservation = *res->memory;
    if (s.cpus) r.cpus = *s.cpus;
    else if (lim && lim->cpus) r.cpus = *lim->cpus;
    if (s.cpu_shares) r.cpu_shares = static_cast<uint64_t>(*s.cpu_shares);
    if (!s.cpuset.empty()) r.cpuset_cpus = s.cpuset;
    if (s.pids_limit) r.pids_limit = *s.pids_limit;
    else if (lim && lim->pids) r.pids_limit = *lim->pids;
    if (s.shm_size) r.shm_size = static_cast<uint64_t>(*s.shm_size);
}

void add_security(runtime::SecuritySpec& sec, const model::Service& s) {
    sec.cap_add = s.cap_add;
    sec.cap_drop = s.cap_drop;
    sec.privileged = s.privileged.value_or(false);
    for (const auto& opt : s.security_opt) {
        std::string o = opt;
        std::replace(o.begin(), o.end(), '=', ':');
        if (o == "seccomp:unconfined") sec.seccomp = false;
        else if (o == "no-new-privileges" || o == "no-new-privileges:true") sec.no_new_privileges = true;
        else if (o == "no-new-privileges:false") sec.no_new_privileges = false;
        else if (o.rfind("label", 0) == 0 || o.rfind("apparmor", 0) == 0) continue;  // no LSM here
        else throw Error(fmt::format("security_opt \"{}\" is not supported (known: "
                                     "seccomp=unconfined, no-new-privileges[:true|false])", opt));
    }
}

}  // namespace

fs::path volume_dir(const std::string& volume_name) {
    fs::path dir = data_root() / "volumes" / volume_name / "_data";
    fs::create_directories(dir);
    return dir;
}

runtime::ContainerSpec build_container_spec(const InstanceInputs& in) {
    const model::Project& p = *in.project;
    const model::Service& s = *in.service;
    return with_context(fmt::format("service \"{}\"", s.name), [&] {
        StackExtension x = read_stack_extension(s, p.working_dir);
        runtime::ContainerSpec spec;
        spec.name = in.name;
        spec.hostname = s.hostname.empty() ? in.name : s.hostname;
        spec.domainname = s.domainname;
        spec.rootfs = rootfs_of(s, x, in.image);
        spec.process.args = command_of(s);
        spec.process.env = environment_of(s, spec.hostname);
        spec.process.cwd = s.working_dir.empty() ? "/" : s.working_dir;
        spec.process.user = s.user;
        spec.process.tty = s.tty.value_or(false);
        spec.process.stdin_open = s.stdin_open.value_or(false);
        if (!s.stop_signal.empty()) spec.process.stop_signal = parse_signal(s.stop_signal);
        if (s.stop_grace_period)
            spec.process.stop_grace =
                std::chrono::duration_cast<std::chrono::milliseconds>(*s.stop_grace_period);

        for (size_t i = 0; i < s.volumes.size(); ++i)
            spec.mounts.push_back(volume_entry(p, s.volumes[i], in.name, i));
        for (const auto& t : s.tmpfs) spec.mounts.push_back(tmpfs_entry(t));
        for (const auto& ref : s.secrets)
            spec.mounts.push_back(file_object_entry(p.secrets, ref, true, s, in.dir));
        for (const auto& ref : s.configs)
            spec.mounts.push_back(file_object_entry(p.configs, ref, false, s, in.dir));

        add_resources(spec.resources, s);
        add_security(spec.security, s);
        for (const auto& [name, u] : s.ulimits)
            spec.ulimits.push_back({name, static_cast<uint64_t>(u.soft), static_cast<uint64_t>(u.hard)});
        spec.sysctls = s.sysctls;

        if (s.network_mode == "host") {
            spec.network.mode = runtime::NetworkSpec::Mode::Host;
        } else if (!in.netns_path.empty()) {
            spec.network.mode = runtime::NetworkSpec::Mode::Join;
            spec.network.netns_path = in.netns_path;
        } else {
            spec.network.mode = runtime::NetworkSpec::Mode::None;
        }

        spec.labels = s.labels;
        spec.labels["com.docker.compose.project"] = p.name;
        spec.labels["com.docker.compose.service"] = s.name;
        spec.labels["com.docker.compose.container-number"] = std::to_string(in.index);
        if (in.image) {
            spec.labels["com.docker.compose.image"] = in.image->config_digest.str();
            spec.labels[kImageManifestLabel] = in.image->manifest_digest.str();
        }
        return spec;
    });
}

std::vector<std::string> unhonoured_keys(const model::Service& s) {
    std::vector<std::string> out;
    auto note = [&out](bool present, const char* key) {
        if (present) out.emplace_back(key);
    };
    note(!s.devices.empty(), "devices");
    note(!s.device_cgroup_rules.empty(), "device_cgroup_rules");
    note(!s.gpus.empty(), "gpus");
    note(s.blkio_config.has_value(), "blkio_config");
    note(s.cpu_count.has_value(), "cpu_count");
    note(s.cpu_percent.has_value(), "cpu_percent");
    note(s.cpu_period.has_value(), "cpu_period");
    note(s.cpu_quota.has_value(), "cpu_quota");
    note(s.cpu_rt_period.has_value(), "cpu_rt_period");
    note(s.cpu_rt_runtime.has_value(), "cpu_rt_runtime");
    note(s.mem_swappiness.has_value(), "mem_swappiness");
    note(s.oom_kill_disable.has_value(), "oom_kill_disable");
    note(s.oom_score_adj.has_value(), "oom_score_adj");
    note(s.logging.has_value(), "logging");
    note(!s.isolation.empty(), "isolation");
    note(!s.runtime.empty(), "runtime");
    note(!s.storage_opt.empty(), "storage_opt");
    note(!s.userns_mode.empty(), "userns_mode");
    note(!s.uts.empty(), "uts");
    note(!s.cgroup.empty(), "cgroup");
    note(!s.cgroup_parent.empty(), "cgroup_parent");
    note(s.credential_spec.has_value(), "credential_spec");
    note(!s.mac_address.empty(), "mac_address");
    note(!s.external_links.empty(), "external_links");
    note(!s.post_start.empty(), "post_start");
    note(!s.pre_stop.empty(), "pre_stop");
    note(s.provider.has_value(), "provider");
    note(!s.models.empty(), "models");
    note(!s.group_add.empty(), "group_add");
    note(!s.pid.empty(), "pid");
    note(!s.ipc.empty(), "ipc");
    note(!s.volumes_from.empty(), "volumes_from");
    note(!s.platform.empty(), "platform");
    note(!s.dns_opt.empty(), "dns_opt");
    return out;
}

}  // namespace stk::engine
