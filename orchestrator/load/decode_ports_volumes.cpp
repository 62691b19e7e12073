// Ports, volumes, devices, secrets/configs references, networks of a service, extra_hosts.
#include "orchestrator/load/decode_parts.hpp"
#include "orchestrator/load/units.hpp"

namespace stk::load {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

auto str = [](DecodeContext& c, const Node& n, const std::string& p) {
    return read_string(c, n, p);
};
auto boolean = [](DecodeContext& c, const Node& n, const std::string& p) {
    return read_bool(c, n, p);
};

}  // namespace

std::optional<model::CommandLine> decode_command(DecodeContext& ctx, const Node& n,
                                                 const std::string& path) {
    model::CommandLine cmd;
    if (n.is_null()) return std::nullopt;
    if (n.is_scalar()) {
        auto s = read_string(ctx, n, path);
        if (!s) return std::nullopt;
        try {
            cmd.argv = shell_split(*s);
        } catch (const UnitError& e) {
            ctx.error(n, path, e.what(), e.hint());
            return std::nullopt;
        }
        cmd.from_string = true;
        return cmd;
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a string or a list");
        return std::nullopt;
    }
    cmd.argv = read_string_list(ctx, n, path);
    return cmd;
}

namespace {

// Lists whose items have a short (string) and a long (mapping) form: checks the list, records
// each item's location, and reports a short form's UnitError at that item.
template <typename Short, typename Long>
void for_each_short_or_long(DecodeContext& ctx, const Node& n, const std::string& path,
                            Short&& from_string, Long&& from_map) {
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a list");
        return;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        const Node& item = n.items[i];
        std::string p = at(path, i);
        ctx.locations[p] = item.loc;
        if (!item.is_scalar()) {
            from_map(item, p);
            continue;
        }
        auto s = read_string(ctx, item, p);
        if (!s) continue;
        try {
            from_string(*s);
        } catch (const UnitError& e) {
            ctx.error(item, p, e.what(), e.hint());
        }
    }
}

}  // namespace

std::vector<model::PortMapping> decode_ports(DecodeContext& ctx, const Node& n,
                                             const std::string& path) {
    std::vector<model::PortMapping> out;
    for_each_short_or_long(
        ctx, n, path,
        [&](const std::string& s) {
            for (auto& m : parse_port_spec(s)) out.push_back(std::move(m));
        },
        [&](const Node& item, const std::string& p) {
            MapReader r(ctx, item, p, "a port string or mapping");
            if (!r.ok()) return;
            model::PortMapping m;
            if (const Node* t = r.get("target")) {
                if (auto v = read_int(ctx, *t, r.sub("target"), 1, 65535))
                    m.target = static_cast<uint32_t>(*v);
            } else {
                ctx.error(item, p, "missing \"target\"", "give the container port as target");
            }
            if (const Node* pub = r.get("published")) {
                if (auto v = read_string(ctx, *pub, r.sub("published"))) {
                    try {
                        auto probe = parse_port_spec(*v + ":1");
                        (void)probe;
                        m.published = *v;
                    } catch (const UnitError& e) {
                        ctx.error(*pub, r.sub("published"), "invalid published port \"" + *v + "\"",
                                  "use a port number or a range like 8000-8010");
                    }
                }
            }
            r.field("host_ip", m.host_ip, str);
            r.field("protocol", m.protocol, str);
            r.field("mode", m.mode, str);
            r.field("name", m.name, str);
            r.field("app_protocol", m.app_protocol, str);
            if (m.mode != "host" && m.mode != "ingress")
                ctx.error(*r.get("mode"), r.sub("mode"), "invalid port mode \"" + m.mode + "\"",
                          "use host or ingress");
            if (m.protocol != "tcp" && m.protocol != "udp" && m.protocol != "sctp")
                ctx.error(*r.get("protocol"), r.sub("protocol"),
                          "invalid protocol \"" + m.protocol + "\"", "use tcp, udp or sctp");
            model::Extensions ignored;
            r.finish(&ignored);
            out.push_back(std::move(m));
        });
    return out;
}

std::vector<model::VolumeMount> decode_volumes(DecodeContext& ctx, const Node& n,
                                               const std::string& path) {
    std::vector<model::VolumeMount> out;
    for_each_short_or_long(
        ctx, n, path, [&](const std::string& s) { out.push_back(parse_volume_spec(s)); },
        [&](const Node& item, const std::string& p) {
            MapReader r(ctx, item, p, "a volume string or mapping");
            if (!r.ok()) return;
            model::VolumeMount v;
            r.field("type", v.type, str);
            r.field("source", v.source, str);
            r.field("target", v.target, str);
            r.field("read_only", v.read_only, boolean);
            r.field("consistency", v.consistency, str);
            static const char* const types[] = {"bind",  "volume", "tmpfs",
                                                "image", "npipe",  "cluster"};
            if (v.type.empty()) {
                ctx.error(item, p, "missing \"type\"",
                          "use bind, volume, tmpfs, image, npipe or cluster");
            } else if (std::find(std::begin(types), std::end(types), v.type) == std::end(types)) {
                ctx.error(*r.get("type"), r.sub("type"), "invalid volume type \"" + v.type + "\"",
                          "use bind, volume, tmpfs, image, npipe or cluster");
            }
            if (v.target.empty())
                ctx.error(item, p, "missing \"target\"", "give the path inside the container");
            if (v.type == "bind") v.bind = model::BindOptions{};
            if (const Node* b = r.get("bind")) {
                MapReader br(ctx, *b, r.sub("bind"));
                model::BindOptions o;
                br.field("propagation", o.propagation, str);
                br.field("create_host_path", o.create_host_path, boolean);
                br.field("selinux", o.selinux, str);
                br.finish(&v.extensions);
                v.bind = o;
            }
            if (const Node* b = r.get("volume")) {
                MapReader br(ctx, *b, r.sub("volume"));
                model::VolumeOptions o;
                br.field("nocopy", o.nocopy, boolean);
                br.field("subpath", o.subpath, str);
                br.get("labels");
                br.finish(&v.extensions);
                v.volume = o;
            }
            if (const Node* b = r.get("tmpfs")) {
                MapReader br(ctx, *b, r.sub("tmpfs"));
                model::TmpfsOptions o;
                if (const Node* s = br.get("size")) o.size = read_bytes(ctx, *s, br.sub("size"));
                if (const Node* m = br.get("mode")) o.mode = read_mode(ctx, *m, br.sub("mode"));
                br.finish(&v.extensions);
                v.tmpfs = o;
            }
            if (const Node* b = r.get("image")) {
                MapReader br(ctx, *b, r.sub("image"));
                model::ImageOptions o;
                br.field("subpath", o.subpath, str);
                br.finish(&v.extensions);
                v.image = o;
            }
            r.finish(&v.extensions);
            out.push_back(std::move(v));
        });
    return out;
}

std::vector<model::DeviceMapping> decode_devices(DecodeContext& ctx, const Node& n,
                                                 const std::string& path) {
    std::vector<model::DeviceMapping> out;
    for_each_short_or_long(
        ctx, n, path, [&](const std::string& s) { out.push_back(parse_device_spec(s)); },
        [&](const Node& item, const std::string& p) {
            MapReader r(ctx, item, p, "a device string or mapping");
            if (!r.ok()) return;
            model::DeviceMapping d;
            r.field("source", d.source, str);
            r.field("target", d.target, str);
            r.field("permissions", d.permissions, str);
            if (d.source.empty())
                ctx.error(item, p, "missing \"source\"", "give the host device path");
            if (d.target.empty()) d.target = d.source;
            if (d.permissions.empty()) d.permissions = "rwm";
            r.finish(nullptr);
            out.push_back(std::move(d));
        });
    return out;
}

std::vector<model::FileReference> decode_file_refs(DecodeContext& ctx, const Node& n,
                                                   const std::string& path) {
    std::vector<model::FileReference> out;
    for_each_short_or_long(
        ctx, n, path,
        [&](const std::string& s) {
            model::FileReference f;
            f.source = s;
            out.push_back(std::move(f));
        },
        [&](const Node& item, const std::string& p) {
            MapReader r(ctx, item, p, "a name or a mapping");
            if (!r.ok()) return;
            model::FileReference f;
            r.field("source", f.source, str);
            r.field("target", f.target, str);
            r.field("uid", f.uid, str);
            r.field("gid", f.gid, str);
            if (const Node* m = r.get("mode")) f.mode = read_mode(ctx, *m, r.sub("mode"));
            r.finish(&f.extensions);
            if (f.source.empty()) {
                ctx.error(item, p, "missing \"source\"", "name the top-level entry to use");
                return;
            }
            out.push_back(std::move(f));
        });
    return out;
}

std::map<std::string, model::ServiceNetwork> decode_service_networks(DecodeContext& ctx,
                                                                     const Node& n,
                                                                     const std::string& path) {
    std::map<std::string, model::ServiceNetwork> out;
    if (n.is_seq()) {
        for (const auto& name : read_string_list(ctx, n, path)) {
            out[name] = {};
            ctx.locations[path + "." + name] = n.loc;
        }
        for (size_t i = 0; i < n.items.size(); ++i)
            if (n.items[i].is_scalar())
                ctx.locations[path + "." + n.items[i].scalar] = n.items[i].loc;
        return out;
    }
    if (!n.is_map()) {
        ctx.wrong_type(n, path, "a list or a mapping");
        return out;
    }
    auto str_ = str;
    for (const auto& e : n.entries) {
        std::string p = path + "." + e.key;
        ctx.locations[p] = e.key_loc;
        model::ServiceNetwork sn;
        if (!e.value.is_null()) {
            MapReader r(ctx, e.value, p);
            if (!r.ok()) continue;
            if (const Node* a = r.get("aliases"))
                sn.aliases = read_string_list(ctx, *a, r.sub("aliases"));
            r.field("ipv4_address", sn.ipv4_address, str_);
            r.field("ipv6_address", sn.ipv6_address, str_);
            if (const Node* a = r.get("link_local_ips"))
                sn.link_local_ips = read_string_list(ctx, *a, r.sub("link_local_ips"));
            r.field("mac_address", sn.mac_address, str_);
            r.field("interface_name", sn.interface_name, str_);
            if (const Node* v = r.get("priority"))
                sn.priority = read_int(ctx, *v, r.sub("priority"));
            if (const Node* v = r.get("gw_priority"))
                sn.gw_priority = read_int(ctx, *v, r.sub("gw_priority"));
            if (const Node* v = r.get("driver_opts"))
                sn.driver_opts = read_string_map(ctx, *v, r.sub("driver_opts"));
            r.finish(&sn.extensions);
        }
        out[e.key] = std::move(sn);
    }
    return out;
}

std::map<std::string, std::vector<std::string>> decode_extra_hosts(DecodeContext& ctx,
                                                                   const Node& n,
                                                                   const std::string& path) {
    std::map<std::string, std::vector<std::string>> out;
    if (n.is_map()) {
        for (const auto& e : n.entries) {
            std::string p = path + "." + e.key;
            for (auto& ip : read_string_or_list(ctx, e.value, p)) out[e.key].push_back(ip);
        }
        return out;
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a list or a mapping");
        return out;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        auto s = read_string(ctx, n.items[i], at(path, i));
        if (!s) continue;
        // "host=ip" or "host:ip" (the first ':' only: the address may be IPv6).
        auto sep = s->find('=');
        if (sep == std::string::npos) sep = s->find(':');
        if (sep == std::string::npos || sep == 0 || sep + 1 == s->size()) {
            ctx.error(n.items[i], at(path, i), "invalid extra host \"" + *s + "\"",
                      "use HOST=IP or HOST:IP");
            continue;
        }
        std::string ip = s->substr(sep + 1);
        if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']')
            ip = ip.substr(1, ip.size() - 2);
        out[s->substr(0, sep)].push_back(ip);
    }
    return out;
}

std::vector<model::EnvFile> decode_env_file(DecodeContext& ctx, const Node& n,
                                            const std::string& path) {
    std::vector<model::EnvFile> out;
    if (n.is_scalar()) {
        if (auto s = read_string(ctx, n, path)) out.push_back({*s, true, ""});
        return out;
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a string or a list");
        return out;
    }
    for_each_short_or_long(
        ctx, n, path, [&](const std::string& s) { out.push_back({s, true, ""}); },
        [&](const Node& item, const std::string& p) {
            MapReader r(ctx, item, p, "a path or a mapping");
            if (!r.ok()) return;
            model::EnvFile f;
            r.field("path", f.path, str);
            r.field("required", f.required, boolean);
            r.field("format", f.format, str);
            r.finish(nullptr);
            if (f.path.empty())
                ctx.error(item, p, "missing \"path\"", "give the env file path");
            else
                out.push_back(std::move(f));
        });
    return out;
}

std::vector<model::DeviceRequest> decode_device_requests(DecodeContext& ctx, const Node& n,
                                                         const std::string& path) {
    std::vector<model::DeviceRequest> out;
    if (n.is_scalar() && n.scalar == "all") {
        model::DeviceRequest d;
        d.count = -1;
        out.push_back(d);
        return out;
    }
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a list");
        return out;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        MapReader r(ctx, n.items[i], at(path, i));
        if (!r.ok()) continue;
        model::DeviceRequest d;
        if (const Node* c = r.get("capabilities"))
            d.capabilities = read_string_list(ctx, *c, r.sub("capabilities"));
        r.field("driver", d.driver, str);
        if (const Node* c = r.get("count")) {
            if (c->is_scalar() && c->scalar == "all")
                d.count = -1;
            else
                d.count = read_int(ctx, *c, r.sub("count"), 0);
        }
        if (const Node* c = r.get("device_ids"))
            d.device_ids = read_string_list(ctx, *c, r.sub("device_ids"));
        if (const Node* c = r.get("options"))
            d.options = read_string_map(ctx, *c, r.sub("options"));
        model::Extensions ignored;
        r.finish(&ignored);
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace stk::load
