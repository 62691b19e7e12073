#include "orchestrator/export/k8s/container.hpp"

#include <charconv>

#include <fmt/format.h>

#include "orchestrator/export/k8s/env.hpp"
#include "orchestrator/export/k8s/probes.hpp"
#include "orchestrator/export/k8s/resources.hpp"
#include "orchestrator/export/k8s/service.hpp"

namespace stk::k8s {
namespace {

std::optional<int64_t> number(std::string_view s) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

nlohmann::json argv(const model::CommandLine& c) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : c.argv) out.push_back(escape_var_refs(a));
    return out;
}

// "CAP_NET_ADMIN" / "net_admin" -> "NET_ADMIN".
nlohmann::json capabilities(const std::vector<std::string>& caps) {
    nlohmann::json out = nlohmann::json::array();
    for (std::string c : caps) {
        for (auto& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (c.rfind("CAP_", 0) == 0) c = c.substr(4);
        out.push_back(c);
    }
    return out;
}

nlohmann::json security_context(ExportContext& ctx, const model::Service& s) {
    nlohmann::json sc = nlohmann::json::object();
    if (!s.user.empty()) {
        std::string user = s.user, group;
        if (auto colon = user.find(':'); colon != std::string::npos) {
            group = user.substr(colon + 1);
            user = user.substr(0, colon);
        }
        auto uid = number(user);
        auto gid = group.empty() ? std::nullopt : number(group);
        if (uid) sc["runAsUser"] = *uid;
        if (gid) sc["runAsGroup"] = *gid;
        if (!uid || (!group.empty() && !gid))
            ctx.report.dropped(s.name, "user", fmt::format(
                "\"{}\": Kubernetes takes numeric ids only; the image's user names are not looked up", s.user));
    }
    if (!s.cap_add.empty() || !s.cap_drop.empty()) {
        nlohmann::json caps = nlohmann::json::object();
        if (!s.cap_add.empty()) caps["add"] = capabilities(s.cap_add);
        if (!s.cap_drop.empty()) caps["drop"] = capabilities(s.cap_drop);
        sc["capabilities"] = caps;
    }
    if (s.read_only && *s.read_only) sc["readOnlyRootFilesystem"] = true;
    if (s.privileged && *s.privileged) sc["privileged"] = true;
    if (!s.security_opt.empty())
        ctx.report.dropped(s.name, "security_opt", "use the pod's securityContext (seccompProfile, seLinuxOptions)");
    return sc;
}

std::string pull_policy(ExportContext& ctx, const model::Service& s) {
    const std::string& p = s.pull_policy;
    if (p == "always") return "Always";
    if (p == "never") return "Never";
    if (p == "missing" || p == "if_not_present") return "IfNotPresent";
    if (!p.empty())
        ctx.report.approximated(s.name, "pull_policy", fmt::format("\"{}\": IfNotPresent", p));
    return "IfNotPresent";
}

}  // namespace

nlohmann::json main_container(ExportContext& ctx, const ServiceShape& shape) {
    const model::Service& s = *shape.service;
    nlohmann::json c = {{"name", shape.name}, {"image", s.image}, {"imagePullPolicy", pull_policy(ctx, s)}};
    if (s.entrypoint) {
        if (s.entrypoint->argv.empty())
            ctx.report.dropped(s.name, "entrypoint", "an empty entrypoint keeps the image's in Kubernetes");
        else
            c["command"] = argv(*s.entrypoint);
    }
    if (s.command && !s.command->argv.empty()) c["args"] = argv(*s.command);
    if (!s.working_dir.empty()) c["workingDir"] = s.working_dir;
    add_environment(ctx, shape, c);
    if (auto ports = container_ports(shape); !ports.empty()) c["ports"] = ports;
    add_probes(ctx, shape, c);
    if (auto r = container_resources(ctx, s); !r.is_null()) c["resources"] = r;
    if (auto sc = security_context(ctx, s); !sc.empty()) c["securityContext"] = sc;
    if (s.tty && *s.tty) c["tty"] = true;
    if (s.stdin_open && *s.stdin_open) c["stdin"] = true;
    return c;
}

nlohmann::json pod_security_context(ExportContext& ctx, const model::Service& s) {
    nlohmann::json sc = nlohmann::json::object();
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : s.group_add) {
        if (auto id = number(g)) groups.push_back(*id);
        else ctx.report.dropped(s.name, "group_add." + g, "Kubernetes takes numeric group ids only");
    }
    if (!groups.empty()) sc["supplementalGroups"] = groups;
    nlohmann::json sysctls = nlohmann::json::array();
    for (const auto& [k, v] : s.sysctls) sysctls.push_back({{"name", k}, {"value", v}});
    if (!sysctls.empty()) {
        sc["sysctls"] = sysctls;
        ctx.report.approximated(s.name, "sysctls", "the kubelet allows only its safe set unless told otherwise");
    }
    return sc.empty() ? nlohmann::json() : sc;
}

}  // namespace stk::k8s
