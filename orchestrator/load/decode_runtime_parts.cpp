// depends_on, healthcheck, ulimits, deploy, build, blkio_config, develop, lifecycle hooks.
#include "orchestrator/load/decode_parts.hpp"
#include "orchestrator/load/units.hpp"

namespace stk::load {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

auto str = [](DecodeContext& c, const Node& n, const std::string& p) { return read_string(c, n, p); };
auto boolean = [](DecodeContext& c, const Node& n, const std::string& p) { return read_bool(c, n, p); };
auto duration = [](DecodeContext& c, const Node& n, const std::string& p) {
    return std::optional<std::optional<model::Duration>>(read_duration(c, n, p));
};
auto uinteger = [](DecodeContext& c, const Node& n, const std::string& p) {
    auto v = read_int(c, n, p, 0);
    return v ? std::optional<std::optional<uint64_t>>(static_cast<uint64_t>(*v)) : std::nullopt;
};

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed)
        if (v == a) return true;
    return false;
}

std::optional<model::ResourceLimits> decode_limits(DecodeContext& ctx, const Node& n,
                                                   const std::string& path, bool reservations) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::ResourceLimits l;
    if (const Node* v = r.get("cpus")) l.cpus = read_double(ctx, *v, r.sub("cpus"));
    if (const Node* v = r.get("memory")) l.memory = read_bytes(ctx, *v, r.sub("memory"));
    if (const Node* v = r.get("pids")) l.pids = read_int(ctx, *v, r.sub("pids"));
    if (reservations) {
        if (const Node* v = r.get("devices")) l.devices = decode_device_requests(ctx, *v, r.sub("devices"));
        r.get("generic_resources");
    }
    model::Extensions ignored;
    r.finish(&ignored);
    return l;
}

std::optional<model::UpdateConfig> decode_update(DecodeContext& ctx, const Node& n,
                                                 const std::string& path) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::UpdateConfig u;
    r.field("parallelism", u.parallelism, uinteger);
    r.field("delay", u.delay, duration);
    r.field("failure_action", u.failure_action, str);
    r.field("monitor", u.monitor, duration);
    if (const Node* v = r.get("max_failure_ratio"))
        u.max_failure_ratio = read_double(ctx, *v, r.sub("max_failure_ratio"));
    r.field("order", u.order, str);
    model::Extensions ignored;
    r.finish(&ignored);
    return u;
}

}  // namespace

std::map<std::string, model::DependsOn> decode_depends_on(DecodeContext& ctx, const Node& n,
                                                          const std::string& path) {
    std::map<std::string, model::DependsOn> out;
    if (n.is_seq()) {
        for (size_t i = 0; i < n.items.size(); ++i) {
            if (auto s = read_string(ctx, n.items[i], at(path, i))) {
                out[*s] = {};
                ctx.locations[path + "." + *s] = n.items[i].loc;
            }
        }
        return out;
    }
    if (!n.is_map()) {
        ctx.wrong_type(n, path, "a list or a mapping");
        return out;
    }
    for (const auto& e : n.entries) {
        std::string p = path + "." + e.key;
        ctx.locations[p] = e.key_loc;
        model::DependsOn d;
        MapReader r(ctx, e.value, p);
        if (!r.ok()) continue;
        r.field("condition", d.condition, str);
        r.field("required", d.required, boolean);
        r.field("restart", d.restart, boolean);
        if (!one_of(d.condition, {"service_started", "service_healthy",
                                  "service_completed_successfully"}))
            ctx.error(*r.get("condition"), r.sub("condition"),
                      "invalid condition \"" + d.condition + "\"",
                      "use service_started, service_healthy or service_completed_successfully");
        r.finish(nullptr);
        out[e.key] = d;
    }
    return out;
}

std::optional<model::Healthcheck> decode_healthcheck(DecodeContext& ctx, const Node& n,
                                                     const std::string& path) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::Healthcheck h;
    if (const Node* t = r.get("test")) {
        std::string p = r.sub("test");
        if (t->is_scalar()) {
            if (auto s = read_string(ctx, *t, p)) {
                h.kind = model::HealthTestKind::CmdShell;
                h.test = {*s};
            }
        } else if (t->is_seq()) {
            auto items = read_string_list(ctx, *t, p);
            if (items.empty()) {
                ctx.error(*t, p, "empty test", "start the list with CMD, CMD-SHELL or NONE");
            } else if (items[0] == "NONE") {
                h.kind = model::HealthTestKind::None;
            } else if (items[0] == "CMD" || items[0] == "CMD-SHELL") {
                h.kind = items[0] == "CMD" ? model::HealthTestKind::Cmd
                                           : model::HealthTestKind::CmdShell;
                h.test.assign(items.begin() + 1, items.end());
                if (h.test.empty())
                    ctx.error(*t, p, items[0] + " without a command", "add the command to run");
            } else {
                ctx.error(t->items[0], p + "[0]", "invalid test kind \"" + items[0] + "\"",
                          "start the list with CMD, CMD-SHELL or NONE");
            }
        } else {
            ctx.wrong_type(*t, p, "a string or a list");
        }
    }
    r.field("interval", h.interval, duration);
    r.field("timeout", h.timeout, duration);
    r.field("start_period", h.start_period, duration);
    r.field("start_interval", h.start_interval, duration);
    r.field("retries", h.retries, uinteger);
    r.field("disable", h.disable, boolean);
    if (h.disable) {
        h.kind = model::HealthTestKind::None;
        h.test.clear();
    }
    r.finish(nullptr);
    return h;
}

std::map<std::string, model::Ulimit> decode_ulimits(DecodeContext& ctx, const Node& n,
                                                    const std::string& path) {
    std::map<std::string, model::Ulimit> out;
    if (!n.is_map()) {
        ctx.wrong_type(n, path, "a mapping");
        return out;
    }
    for (const auto& e : n.entries) {
        std::string p = path + "." + e.key;
        model::Ulimit u;
        if (e.value.is_scalar()) {
            auto v = read_int(ctx, e.value, p, -1);
            if (!v) continue;
            u.soft = u.hard = *v;
            u.single = true;
        } else {
            MapReader r(ctx, e.value, p, "a number or a mapping with soft and hard");
            if (!r.ok()) continue;
            const Node* s = r.get("soft");
            const Node* h = r.get("hard");
            r.finish(nullptr);
            if (!s || !h) {
                ctx.error(e.value, p, "needs both soft and hard", "write {soft: N, hard: M}");
                continue;
            }
            auto sv = read_int(ctx, *s, r.sub("soft"), -1);
            auto hv = read_int(ctx, *h, r.sub("hard"), -1);
            if (!sv || !hv) continue;
            u.soft = *sv;
            u.hard = *hv;
        }
        out[e.key] = u;
    }
    return out;
}

std::optional<model::Deploy> decode_deploy(DecodeContext& ctx, const Node& n,
                                           const std::string& path) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::Deploy d;
    r.field("mode", d.mode, str);
    if (!d.mode.empty() && !one_of(d.mode, {"replicated", "global", "replicated-job", "global-job"}))
        ctx.error(*r.get("mode"), r.sub("mode"), "invalid mode \"" + d.mode + "\"",
                  "use replicated, global, replicated-job or global-job");
    r.field("replicas", d.replicas, uinteger);
    if (const Node* v = r.get("labels")) d.labels = read_string_map(ctx, *v, r.sub("labels"));
    r.field("endpoint_mode", d.endpoint_mode, str);
    if (const Node* v = r.get("resources")) {
        MapReader rr(ctx, *v, r.sub("resources"));
        if (rr.ok()) {
            model::Resources res;
            if (const Node* l = rr.get("limits")) res.limits = decode_limits(ctx, *l, rr.sub("limits"), false);
            if (const Node* l = rr.get("reservations"))
                res.reservations = decode_limits(ctx, *l, rr.sub("reservations"), true);
            rr.finish(&d.extensions);
            d.resources = res;
        }
    }
    if (const Node* v = r.get("restart_policy")) {
        MapReader rr(ctx, *v, r.sub("restart_policy"));
        if (rr.ok()) {
            model::RestartPolicy p;
            rr.field("condition", p.condition, str);
            if (!p.condition.empty() && !one_of(p.condition, {"none", "on-failure", "any"}))
                ctx.error(*rr.get("condition"), rr.sub("condition"),
                          "invalid condition \"" + p.condition + "\"", "use none, on-failure or any");
            rr.field("delay", p.delay, duration);
            rr.field("max_attempts", p.max_attempts, uinteger);
            rr.field("window", p.window, duration);
            rr.finish(&d.extensions);
            d.restart_policy = p;
        }
    }
    if (const Node* v = r.get("update_config")) d.update_config = decode_update(ctx, *v, r.sub("update_config"));
    if (const Node* v = r.get("rollback_config"))
        d.rollback_config = decode_update(ctx, *v, r.sub("rollback_config"));
    if (const Node* v = r.get("placement")) {
        MapReader rr(ctx, *v, r.sub("placement"));
        if (rr.ok()) {
            model::Placement p;
            if (const Node* c = rr.get("constraints"))
                p.constraints = read_string_list(ctx, *c, rr.sub("constraints"));
            if (const Node* c = rr.get("preferences")) {
                if (!c->is_seq()) ctx.wrong_type(*c, rr.sub("preferences"), "a list");
                else
                    for (size_t i = 0; i < c->items.size(); ++i) {
                        MapReader pr(ctx, c->items[i], at(rr.sub("preferences"), i));
                        std::string spread;
                        pr.field("spread", spread, str);
                        pr.finish(nullptr);
                        if (pr.ok()) p.preferences.push_back(spread);
                    }
            }
            rr.field("max_replicas_per_node", p.max_replicas_per_node, uinteger);
            rr.finish(&d.extensions);
            d.placement = p;
        }
    }
    r.finish(&d.extensions);
    return d;
}

std::optional<model::Build> decode_build(DecodeContext& ctx, const Node& n,
                                         const std::string& path) {
    model::Build b;
    if (n.is_scalar()) {
        if (auto s = read_string(ctx, n, path)) b.context = *s;
        else return std::nullopt;
        return b;
    }
    MapReader r(ctx, n, path, "a string (the context) or a mapping");
    if (!r.ok()) return std::nullopt;
    r.field("context", b.context, str);
    r.field("dockerfile", b.dockerfile, str);
    r.field("dockerfile_inline", b.dockerfile_inline, str);
    if (const Node* v = r.get("args")) b.args = read_list_or_dict(ctx, *v, r.sub("args"), false);
    if (const Node* v = r.get("ssh")) {
        if (v->is_map())
            for (auto& [k, val] : read_string_map(ctx, *v, r.sub("ssh"))) b.ssh.push_back(k + "=" + val);
        else b.ssh = read_string_list(ctx, *v, r.sub("ssh"));
    }
    if (const Node* v = r.get("labels")) b.labels = read_string_map(ctx, *v, r.sub("labels"));
    if (const Node* v = r.get("cache_from")) b.cache_from = read_string_list(ctx, *v, r.sub("cache_from"));
    if (const Node* v = r.get("cache_to")) b.cache_to = read_string_list(ctx, *v, r.sub("cache_to"));
    r.field("no_cache", b.no_cache, boolean);
    if (const Node* v = r.get("additional_contexts"))
        b.additional_contexts = read_string_map(ctx, *v, r.sub("additional_contexts"));
    r.field("network", b.network, str);
    r.field("pull", b.pull, boolean);
    r.field("target", b.target, str);
    if (const Node* v = r.get("shm_size")) b.shm_size = read_bytes(ctx, *v, r.sub("shm_size"));
    if (const Node* v = r.get("extra_hosts")) b.extra_hosts = decode_extra_hosts(ctx, *v, r.sub("extra_hosts"));
    r.field("isolation", b.isolation, str);
    r.field("privileged", b.privileged, boolean);
    if (const Node* v = r.get("secrets")) b.secrets = decode_file_refs(ctx, *v, r.sub("secrets"));
    if (const Node* v = r.get("tags")) b.tags = read_string_list(ctx, *v, r.sub("tags"));
    if (const Node* v = r.get("ulimits")) b.ulimits = decode_ulimits(ctx, *v, r.sub("ulimits"));
    if (const Node* v = r.get("platforms")) b.platforms = read_string_list(ctx, *v, r.sub("platforms"));
    if (const Node* v = r.get("entitlements"))
        b.entitlements = read_string_list(ctx, *v, r.sub("entitlements"));
    r.get("provenance");
    r.get("sbom");
    r.finish(&b.extensions);
    return b;
}

std::optional<model::BlkioConfig> decode_blkio(DecodeContext& ctx, const Node& n,
                                               const std::string& path) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::BlkioConfig b;
    if (const Node* v = r.get("weight")) {
        if (auto w = read_int(ctx, *v, r.sub("weight"), 10, 1000)) b.weight = static_cast<uint32_t>(*w);
    }
    if (const Node* v = r.get("weight_device")) {
        if (!v->is_seq()) ctx.wrong_type(*v, r.sub("weight_device"), "a list");
        else
            for (size_t i = 0; i < v->items.size(); ++i) {
                MapReader wr(ctx, v->items[i], at(r.sub("weight_device"), i));
                model::WeightDevice w;
                wr.field("path", w.path, str);
                if (const Node* x = wr.get("weight"))
                    if (auto val = read_int(ctx, *x, wr.sub("weight"), 10, 1000))
                        w.weight = static_cast<uint32_t>(*val);
                wr.finish(nullptr);
                if (wr.ok()) b.weight_device.push_back(w);
            }
    }
    auto throttle = [&](const char* key, std::vector<model::ThrottleDevice>& out, bool bytes) {
        const Node* v = r.get(key);
        if (!v) return;
        if (!v->is_seq()) {
            ctx.wrong_type(*v, r.sub(key), "a list");
            return;
        }
        for (size_t i = 0; i < v->items.size(); ++i) {
            MapReader tr(ctx, v->items[i], at(r.sub(key), i));
            model::ThrottleDevice t;
            tr.field("path", t.path, str);
            if (const Node* x = tr.get("rate")) {
                auto val = bytes ? read_bytes(ctx, *x, tr.sub("rate")) : read_int(ctx, *x, tr.sub("rate"), 0);
                if (val) t.rate = *val;
            }
            tr.finish(nullptr);
            if (tr.ok()) out.push_back(t);
        }
    };
    throttle("device_read_bps", b.device_read_bps, true);
    throttle("device_write_bps", b.device_write_bps, true);
    throttle("device_read_iops", b.device_read_iops, false);
    throttle("device_write_iops", b.device_write_iops, false);
    r.finish(nullptr);
    return b;
}

std::vector<model::ServiceHook> decode_hooks(DecodeContext& ctx, const Node& n,
                                             const std::string& path) {
    std::vector<model::ServiceHook> out;
    if (!n.is_seq()) {
        ctx.wrong_type(n, path, "a list");
        return out;
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
        MapReader r(ctx, n.items[i], at(path, i));
        if (!r.ok()) continue;
        model::ServiceHook h;
        if (const Node* v = r.get("command"))
            if (auto c = decode_command(ctx, *v, r.sub("command"))) h.command = c->argv;
        r.field("user", h.user, str);
        r.field("privileged", h.privileged, boolean);
        r.field("working_dir", h.working_dir, str);
        if (const Node* v = r.get("environment"))
            h.environment = read_list_or_dict(ctx, *v, r.sub("environment"), true);
        model::Extensions ignored;
        r.finish(&ignored);
        if (h.command.empty()) ctx.error(n.items[i], at(path, i), "missing \"command\"");
        out.push_back(std::move(h));
    }
    return out;
}

std::optional<model::Develop> decode_develop(DecodeContext& ctx, const Node& n,
                                             const std::string& path) {
    MapReader r(ctx, n, path);
    if (!r.ok()) return std::nullopt;
    model::Develop d;
    if (const Node* w = r.get("watch")) {
        std::string wp = r.sub("watch");
        if (!w->is_seq()) ctx.wrong_type(*w, wp, "a list");
        else
            for (size_t i = 0; i < w->items.size(); ++i) {
                MapReader wr(ctx, w->items[i], at(wp, i));
                if (!wr.ok()) continue;
                model::WatchRule rule;
                wr.field("path", rule.path, str);
                wr.field("action", rule.action, str);
                wr.field("target", rule.target, str);
                if (const Node* v = wr.get("ignore")) rule.ignore = read_string_or_list(ctx, *v, wr.sub("ignore"));
                if (const Node* v = wr.get("include")) rule.include = read_string_or_list(ctx, *v, wr.sub("include"));
                wr.field("initial_sync", rule.initial_sync, boolean);
                if (const Node* v = wr.get("exec")) {
                    Node seq = Node::make_seq(v->loc);
                    seq.items.push_back(*v);
                    auto hooks = decode_hooks(ctx, seq, wr.sub("exec"));
                    if (!hooks.empty()) rule.exec = hooks[0];
                }
                if (!one_of(rule.action, {"sync", "rebuild", "restart", "sync+restart", "sync+exec"}))
                    ctx.error(w->items[i], wr.sub("action"), "invalid action \"" + rule.action + "\"",
                              "use sync, rebuild, restart, sync+restart or sync+exec");
                model::Extensions ignored;
                wr.finish(&ignored);
                d.watch.push_back(std::move(rule));
            }
    }
    r.finish(nullptr);
    return d;
}

}  // namespace stk::load
