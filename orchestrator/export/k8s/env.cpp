#include "orchestrator/export/k8s/env.hpp"

#include <fmt/format.h>

#include "orchestrator/load/decode_parts.hpp"
#include "orchestrator/load/dotenv.hpp"
#include "orchestrator/load/normalize.hpp"

namespace stk::k8s {
namespace {

// The loader merged env_file into `environment` and forgot the files; read them again from
// the resolved tree, in order (a later file wins), with the loader's own decoder and parser.
load::Environment env_file_values(ExportContext& ctx, const model::Service& s) {
    load::Environment values;
    const load::Node* services = ctx.tree.root.find("services");
    const load::Node* service = services ? services->find(s.name) : nullptr;
    const load::Node* node = service ? service->find("env_file") : nullptr;
    if (!node || node->is_null()) return values;
    load::Diagnostics diags;
    load::DecodeContext dc{diags, {}};
    for (const auto& ef : load::decode_env_file(dc, *node, "services." + s.name + ".env_file")) {
        std::string path = load::absolute_path(ef.path, ctx.tree.project_dir, ctx.tree.environment);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) continue;  // optional (required ones failed loading)
        for (auto& [k, v] : load::read_env_file(path, ctx.tree.environment, diags)) values[k] = v;
    }
    for (const auto& d : diags.errors()) ctx.refuse(s.name, "env_file", d.to_string());
    return values;
}

}  // namespace

void add_environment(ExportContext& ctx, const ServiceShape& shape, nlohmann::json& container) {
    const model::Service& s = *shape.service;
    load::Environment from_files = env_file_values(ctx, s);
    nlohmann::json data = nlohmann::json::object();
    for (const auto& [k, v] : from_files) {
        auto it = s.environment.find(k);
        // Only what still holds the file's value in the resolved environment goes to the map.
        if (it != s.environment.end() && it->second && *it->second == v && is_config_key(k) &&
            is_env_var_name(k))
            data[k] = v;
    }
    nlohmann::json env = nlohmann::json::array();
    for (const auto& [k, v] : s.environment) {
        if (!v || data.contains(k)) continue;
        if (!is_env_var_name(k)) {
            ctx.report.dropped(s.name, "environment." + k, "not a variable name Kubernetes accepts");
            continue;
        }
        env.push_back({{"name", k}, {"value", escape_var_refs(*v)}});
    }
    if (!env.empty()) container["env"] = env;
    if (!data.empty()) {
        std::string name = ctx.names.claim("ConfigMap", dns1035_label(shape.name + "-env"),
                                           fmt::format("env_file of service \"{}\"", s.name));
        nlohmann::json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                             {"metadata", ctx.metadata(name, &shape)}, {"data", data}};
        ctx.objects.push_back(cm);
        container["envFrom"] = {{{"configMapRef", {{"name", name}}}}};
    }
}

}  // namespace stk::k8s
