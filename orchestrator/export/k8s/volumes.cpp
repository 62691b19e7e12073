#include "orchestrator/export/k8s/volumes.hpp"

#include <fmt/format.h>

#include "orchestrator/export/k8s/resources.hpp"
#include "orchestrator/load/units.hpp"

namespace stk::k8s {
namespace {

nlohmann::json memory_dir(std::optional<int64_t> size) {
    nlohmann::json dir = {{"medium", "Memory"}};
    if (size && *size > 0) dir["sizeLimit"] = memory_quantity(*size);
    return {{"emptyDir", dir}};
}

// The claim of top-level volume `key`, made once; "" when refused.
std::string claim_for(ExportContext& ctx, const ServiceShape& shape, const std::string& key, const std::string& where) {
    const std::string& svc = shape.service->name;
    auto it = ctx.project.volumes.find(key);
    if (it == ctx.project.volumes.end()) {
        ctx.refuse(svc, where, fmt::format("no top-level volume \"{}\"", key));
        return "";
    }
    const model::Volume& v = it->second;
    if (v.external) {
        if (!is_dns1123_subdomain(v.name)) {
            ctx.refuse(svc, where, fmt::format("external volume \"{}\" is not a valid claim name", v.name));
            return "";
        }
        ctx.report.approximated(svc, where, fmt::format(
            "external: the PersistentVolumeClaim \"{}\" must exist in the namespace", v.name));
        return v.name;
    }
    std::string name = dns1035_label(key);
    ctx.names.claim("PersistentVolumeClaim", name, fmt::format("volume \"{}\"", key));
    if (ctx.first_use("PersistentVolumeClaim/" + name)) {
        ctx.objects.push_back({{"apiVersion", "v1"},
                               {"kind", "PersistentVolumeClaim"},
                               {"metadata", ctx.metadata(name)},
                               {"spec", {{"accessModes", {"ReadWriteOnce"}},
                                         {"resources", {{"requests", {{"storage", ctx.options.pvc_size}}}}}}}});
        if (!v.driver.empty() || !v.driver_opts.empty())
            ctx.report.dropped("", fmt::format("volumes.{}.driver", key),
                               "the cluster's default StorageClass provides the claim");
    }
    ctx.claim_users[name].insert(svc);
    return name;
}

nlohmann::json host_path(const std::string& source, bool create) {
    std::error_code ec;
    std::string type;
    if (std::filesystem::is_regular_file(source, ec)) type = "File";
    else if (std::filesystem::is_directory(source, ec) || create) type = "DirectoryOrCreate";
    nlohmann::json hp = {{"path", source}};
    if (!type.empty()) hp["type"] = type;
    return {{"hostPath", hp}};
}

}  // namespace

bool add_volumes(ExportContext& ctx, const ServiceShape& shape, PodVolumes& pod) {
    const model::Service& s = *shape.service;
    bool claims = false;
    for (size_t i = 0; i < s.volumes.size(); ++i) {
        const model::VolumeMount& m = s.volumes[i];
        std::string where = fmt::format("volumes[{}] ({} {})", i, m.type, m.target);
        std::string volume;
        std::string sub_path;
        if (m.type == "volume" && m.source.empty()) {
            volume = pod.add("anon", {{"emptyDir", nlohmann::json::object()}});
            ctx.report.approximated(s.name, where, "anonymous volume: an emptyDir that lives as long as the pod");
        } else if (m.type == "volume") {
            std::string claim = claim_for(ctx, shape, m.source, where);
            if (claim.empty()) continue;
            claims = true;
            volume = pod.add(claim, {{"persistentVolumeClaim", {{"claimName", claim}}}});
            if (m.volume) sub_path = m.volume->subpath;
            if (!m.volume || !m.volume->nocopy)
                ctx.report.approximated(s.name, where, "a new claim starts empty: the image's files at the "
                                        "target are not copied into it as docker does");
        } else if (m.type == "bind") {
            if (!ctx.options.allow_hostpath) {
                ctx.refuse(s.name, where, fmt::format(
                    "bind mount of {}: the host's files are not on the cluster's nodes; use a named "
                    "volume, a config, or pass --allow-hostpath for a hostPath volume", m.source));
                continue;
            }
            volume = pod.add("host", host_path(m.source, !m.bind || m.bind->create_host_path));
            ctx.report.approximated(s.name, where, fmt::format(
                "hostPath {}: the directory of whichever node runs the pod", m.source));
        } else if (m.type == "tmpfs") {
            volume = pod.add("tmpfs", memory_dir(m.tmpfs ? m.tmpfs->size : std::nullopt));
            if (m.tmpfs && m.tmpfs->mode)
                ctx.report.dropped(s.name, where + ".tmpfs.mode", "emptyDir has no mode");
        } else {
            ctx.refuse(s.name, where, fmt::format("volume type {} has no Kubernetes equivalent", m.type));
            continue;
        }
        if (!pod.mount(volume, m.target, m.read_only, sub_path))
            ctx.refuse(s.name, where, "another mount uses " + m.target);
    }
    for (size_t i = 0; i < s.tmpfs.size(); ++i) {
        const std::string& t = s.tmpfs[i];
        std::string path = t.substr(0, t.find(':'));
        std::optional<int64_t> size;
        if (auto at = t.find("size="); at != std::string::npos) {
            std::string value = t.substr(at + 5, t.find(',', at) - at - 5);
            try {
                size = load::parse_bytes(value);
            } catch (const std::exception& e) {
                ctx.refuse(s.name, fmt::format("tmpfs[{}]", i), e.what());
            }
        }
        std::string volume = pod.add("tmpfs", memory_dir(size));
        if (!pod.mount(volume, path, false))
            ctx.refuse(s.name, fmt::format("tmpfs[{}]", i), "another mount uses " + path);
    }
    if (s.shm_size) {
        std::string volume = pod.add("shm", memory_dir(s.shm_size));
        if (pod.mount(volume, "/dev/shm", false))
            ctx.report.approximated(s.name, "shm_size", "an emptyDir in memory mounted at /dev/shm");
    }
    if (!s.volumes_from.empty())
        ctx.report.dropped(s.name, "volumes_from", "pods do not share volumes; mount the same claim instead");
    return claims;
}

}  // namespace stk::k8s
