#include "orchestrator/load/decode.hpp"

#include <algorithm>
#include <tuple>

#include "orchestrator/load/decode_parts.hpp"
#include "orchestrator/load/normalize.hpp"
#include "orchestrator/load/validate.hpp"

namespace stk::load {
namespace {

auto str = [](DecodeContext& c, const Node& n, const std::string& p) { return read_string(c, n, p); };
auto boolean = [](DecodeContext& c, const Node& n, const std::string& p) { return read_bool(c, n, p); };
auto string_map = [](DecodeContext& c, const Node& n, const std::string& p) {
    return std::optional<model::StringMap>(read_string_map(c, n, p));
};

// `external: true`, or the legacy `external: {name: x}`.
void read_external(DecodeContext& ctx, MapReader& r, bool& external, std::string& name) {
    const Node* v = r.get("external");
    if (!v) return;
    if (v->is_map()) {
        MapReader er(ctx, *v, r.sub("external"));
        er.field("name", name, str);
        er.finish(nullptr);
        external = true;
        return;
    }
    if (auto b = read_bool(ctx, *v, r.sub("external"))) external = *b;
}

model::Network decode_network(DecodeContext& ctx, const Node& n, const std::string& path) {
    model::Network net;
    if (n.is_null()) return net;
    MapReader r(ctx, n, path);
    if (!r.ok()) return net;
    r.field("name", net.name, str);
    r.field("driver", net.driver, str);
    r.field("driver_opts", net.driver_opts, string_map);
    read_external(ctx, r, net.external, net.name);
    r.field("internal", net.internal, boolean);
    r.field("attachable", net.attachable, boolean);
    if (const Node* v = r.get("enable_ipv4")) net.enable_ipv4 = read_bool(ctx, *v, r.sub("enable_ipv4"));
    if (const Node* v = r.get("enable_ipv6")) net.enable_ipv6 = read_bool(ctx, *v, r.sub("enable_ipv6"));
    r.field("labels", net.labels, string_map);
    if (const Node* v = r.get("ipam")) {
        MapReader ir(ctx, *v, r.sub("ipam"));
        if (ir.ok()) {
            model::Ipam ipam;
            ir.field("driver", ipam.driver, str);
            ir.field("options", ipam.options, string_map);
            if (const Node* c = ir.get("config")) {
                if (!c->is_seq()) ctx.wrong_type(*c, ir.sub("config"), "a list");
                else
                    for (size_t i = 0; i < c->items.size(); ++i) {
                        MapReader pr(ctx, c->items[i], ir.sub("config") + "[" + std::to_string(i) + "]");
                        model::IpamPool pool;
                        pr.field("subnet", pool.subnet, str);
                        pr.field("ip_range", pool.ip_range, str);
                        pr.field("gateway", pool.gateway, str);
                        pr.field("aux_addresses", pool.aux_addresses, string_map);
                        model::Extensions ignored;
                        pr.finish(&ignored);
                        if (pr.ok()) ipam.config.push_back(pool);
                    }
            }
            model::Extensions ignored;
            ir.finish(&ignored);
            net.ipam = ipam;
        }
    }
    r.finish(&net.extensions);
    return net;
}

model::Volume decode_volume(DecodeContext& ctx, const Node& n, const std::string& path) {
    model::Volume vol;
    if (n.is_null()) return vol;
    MapReader r(ctx, n, path);
    if (!r.ok()) return vol;
    r.field("name", vol.name, str);
    r.field("driver", vol.driver, str);
    r.field("driver_opts", vol.driver_opts, string_map);
    read_external(ctx, r, vol.external, vol.name);
    r.field("labels", vol.labels, string_map);
    r.finish(&vol.extensions);
    return vol;
}

model::FileObject decode_file_object(DecodeContext& ctx, const Node& n, const std::string& path,
                                     bool is_config) {
    model::FileObject f;
    MapReader r(ctx, n, path);
    if (!r.ok()) return f;
    r.field("name", f.name, str);
    r.field("file", f.file, str);
    r.field("environment", f.environment, str);
    if (is_config) r.field("content", f.content, str);
    read_external(ctx, r, f.external, f.name);
    if (!is_config) {
        r.field("driver", f.driver, str);
        r.field("driver_opts", f.driver_opts, string_map);
    }
    r.field("template_driver", f.template_driver, str);
    r.field("labels", f.labels, string_map);
    r.finish(&f.extensions);
    int sources = !f.file.empty() + !f.environment.empty() + !f.content.empty() + f.external;
    if (sources != 1)
        ctx.error(n, path, sources ? "more than one source" : "no source",
                  std::string("set exactly one of file, environment") +
                      (is_config ? ", content" : "") + " or external");
    return f;
}

model::Model decode_model(DecodeContext& ctx, const Node& n, const std::string& path) {
    model::Model m;
    MapReader r(ctx, n, path);
    if (!r.ok()) return m;
    r.field("name", m.name, str);
    r.field("model", m.model, str);
    if (const Node* v = r.get("context_size")) m.context_size = read_int(ctx, *v, r.sub("context_size"), 0);
    if (const Node* v = r.get("runtime_flags")) m.runtime_flags = read_string_list(ctx, *v, r.sub("runtime_flags"));
    model::Extensions ignored;
    r.finish(&ignored);
    return m;
}

template <typename T, typename Fn>
void decode_section(DecodeContext& ctx, MapReader& top, const char* key, std::map<std::string, T>& out,
                    Fn decode_one) {
    const Node* sec = top.get(key);
    if (!sec || sec->is_null()) return;
    if (!sec->is_map()) {
        ctx.wrong_type(*sec, key, "a mapping");
        return;
    }
    for (const auto& e : sec->entries) {
        std::string p = std::string(key) + "." + e.key;
        if (e.key.rfind("x-", 0) == 0) continue;
        ctx.locations[p] = e.key_loc;
        out[e.key] = decode_one(ctx, e.value, p);
    }
}

}  // namespace

bool valid_service_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

model::Project decode_tree(const Node& root, const std::string& project_name, DecodeContext& ctx) {
    model::Project p;
    p.name = project_name;
    MapReader top(ctx, root, "", "a mapping of top-level keys");
    if (!top.ok()) return p;
    top.get("name");     // the project name comes resolved from stage 1
    top.get("version");  // obsolete, ignored
    top.get("include");  // resolved by stage 1
    if (const Node* svcs = top.get("services")) {
        if (svcs->is_map()) {
            for (const auto& e : svcs->entries) {
                std::string path = "services." + e.key;
                if (e.key.rfind("x-", 0) == 0) continue;
                ctx.locations[path] = e.key_loc;
                if (!valid_service_name(e.key))
                    ctx.diags.error(e.key_loc, path, "invalid service name \"" + e.key + "\"",
                                    "use only letters, digits, '.', '_' and '-'");
                p.services.push_back(decode_service(ctx, e.key, e.value, path));
            }
        } else if (!svcs->is_null()) {
            ctx.wrong_type(*svcs, "services", "a mapping");
        }
    }
    std::sort(p.services.begin(), p.services.end(),
              [](const model::Service& a, const model::Service& b) { return a.name < b.name; });
    decode_section(ctx, top, "networks", p.networks, decode_network);
    decode_section(ctx, top, "volumes", p.volumes, decode_volume);
    decode_section(ctx, top, "secrets", p.secrets, [](DecodeContext& c, const Node& n, const std::string& path) {
        return decode_file_object(c, n, path, false);
    });
    decode_section(ctx, top, "configs", p.configs, [](DecodeContext& c, const Node& n, const std::string& path) {
        return decode_file_object(c, n, path, true);
    });
    decode_section(ctx, top, "models", p.models, decode_model);
    top.finish(&p.extensions);
    return p;
}

model::Project decode_project(const ResolvedTree& tree, Diagnostics& diags,
                              std::vector<std::filesystem::path>* files_named) {
    Diagnostics found;
    DecodeContext ctx{found, {}};
    model::Project p = decode_tree(tree.root, tree.project_name, ctx);
    p.working_dir = tree.project_dir;
    NormalizeOptions opts{tree.project_dir, tree.environment, files_named};
    normalize_project(p, opts, ctx);
    validate_project(p, ctx.locations, found);
    // Reported in file order, whatever order the checks ran in.
    auto by_place = [](const Diagnostic* a, const Diagnostic* b) {
        std::string fa = a->loc.file ? *a->loc.file : "", fb = b->loc.file ? *b->loc.file : "";
        return std::tie(fa, a->loc.line, a->loc.column) < std::tie(fb, b->loc.line, b->loc.column);
    };
    auto forward = [&](const std::vector<Diagnostic>& list, bool errors) {
        std::vector<const Diagnostic*> sorted;
        for (const auto& d : list) sorted.push_back(&d);
        std::stable_sort(sorted.begin(), sorted.end(), by_place);
        for (const auto* d : sorted) {
            if (errors) diags.error(d->loc, d->path, d->message, d->hint);
            else diags.warning(d->loc, d->path, d->message, d->hint);
        }
    };
    forward(found.errors(), true);
    forward(found.warnings(), false);
    diags.throw_if_errors();
    return p;
}

}  // namespace stk::load
