#include "orchestrator/export/k8s/file_objects.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::k8s {
namespace {

std::string base64(const std::string& data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

bool valid_utf8(const std::string& s) {
    try {
        (void)nlohmann::json(s).dump();
        return true;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

struct Kind {
    const char* section;  // "secrets" / "configs"
    const char* object;   // "Secret" / "ConfigMap"
    const char* what;     // "secret" / "config"
};
constexpr Kind kSecret{"secrets", "Secret", "secret"};
constexpr Kind kConfig{"configs", "ConfigMap", "config"};
bool is_secret(const Kind& k) { return &k == &kSecret; }

// The content of a top-level secret or config; nullopt (refused) when it cannot be had.
std::optional<std::string> content_of(ExportContext& ctx, const std::string& service, const std::string& key,
                                      const model::FileObject& f, const Kind& kind) {
    std::string where = fmt::format("{}.{}", kind.section, key);
    if (!f.content.empty()) return f.content;
    if (!f.environment.empty()) {
        auto it = ctx.tree.environment.find(f.environment);
        if (it != ctx.tree.environment.end()) return it->second;
        ctx.refuse(service, where, fmt::format("environment variable {} is not set", f.environment));
        return std::nullopt;
    }
    if (!f.file.empty()) {
        try {
            return read_file(f.file);
        } catch (const Error& e) {
            ctx.refuse(service, where, e.what());
            return std::nullopt;
        }
    }
    ctx.refuse(service, where, "has no file, environment or content");
    return std::nullopt;
}

// Makes the Secret/ConfigMap of top-level `key` once; returns its name and data key.
std::optional<std::pair<std::string, std::string>> object_for(ExportContext& ctx, const std::string& service,
                                                              const std::string& key, const Kind& kind) {
    const auto& table = is_secret(kind) ? ctx.project.secrets : ctx.project.configs;
    auto it = table.find(key);
    if (it == table.end()) {
        ctx.refuse(service, kind.section, fmt::format("no top-level {} \"{}\"", kind.what, key));
        return std::nullopt;
    }
    const model::FileObject& f = it->second;
    std::string data_key = is_config_key(key) ? key : dns1035_label(key);
    if (f.external) {
        if (!is_dns1123_subdomain(f.name)) {
            ctx.refuse(service, kind.section, fmt::format("external {} \"{}\" is not a valid {} name",
                                                          kind.what, f.name, kind.object));
            return std::nullopt;
        }
        ctx.report.approximated(service, fmt::format("{}.{}", kind.section, key), fmt::format(
            "external: the {} \"{}\" must exist in the namespace with the key \"{}\"", kind.object, f.name, data_key));
        return std::make_pair(f.name, data_key);
    }
    std::string name = dns1035_label(key);
    ctx.names.claim(kind.object, name, fmt::format("{} \"{}\"", kind.what, key));
    if (!ctx.first_use(std::string(kind.object) + "/" + name)) return std::make_pair(name, data_key);
    auto content = content_of(ctx, service, key, f, kind);
    if (!content) return std::nullopt;
    nlohmann::json object = {{"apiVersion", "v1"}, {"kind", kind.object}, {"metadata", ctx.metadata(name)}};
    if (is_secret(kind)) {
        object["type"] = "Opaque";
        object["data"] = {{data_key, base64(*content)}};
    } else if (valid_utf8(*content)) {
        object["data"] = {{data_key, *content}};
    } else {
        object["binaryData"] = {{data_key, base64(*content)}};
    }
    ctx.objects.push_back(std::move(object));
    return std::make_pair(name, data_key);
}

void mount_all(ExportContext& ctx, const ServiceShape& shape, PodVolumes& pod,
               const std::vector<model::FileReference>& refs, const Kind& kind) {
    const std::string& svc = shape.service->name;
    for (const auto& ref : refs) {
        auto made = object_for(ctx, svc, ref.source, kind);
        if (!made) continue;
        const auto& [name, data_key] = *made;
        std::string target = ref.target.empty() ? ref.source : ref.target;
        if (target.front() != '/') target = (is_secret(kind) ? "/run/secrets/" : "/") + target;
        nlohmann::json item = {{"key", data_key}, {"path", data_key}};
        if (ref.mode) item["mode"] = *ref.mode;
        nlohmann::json source = is_secret(kind)
            ? nlohmann::json{{"secret", {{"secretName", name}, {"items", {item}}}}}
            : nlohmann::json{{"configMap", {{"name", name}, {"items", {item}}}}};
        std::string volume = pod.add(std::string(kind.what) + "-" + name, source);
        if (!pod.mount(volume, target, true, data_key))
            ctx.refuse(svc, fmt::format("{}.{}", kind.section, ref.source), "another mount uses " + target);
        if (!ref.uid.empty() || !ref.gid.empty())
            ctx.report.dropped(svc, fmt::format("{}.{}.uid/gid", kind.section, ref.source),
                               "the file belongs to root; use the pod's fsGroup to share it");
    }
}

}  // namespace

void add_secrets_and_configs(ExportContext& ctx, const ServiceShape& shape, PodVolumes& pod) {
    mount_all(ctx, shape, pod, shape.service->secrets, kSecret);
    mount_all(ctx, shape, pod, shape.service->configs, kConfig);
}

}  // namespace stk::k8s
