#include "orchestrator/export/k8s/network_policy.hpp"

#include <set>

#include <fmt/format.h>

namespace stk::k8s {
namespace {

nlohmann::json members_selector(const ExportContext& ctx, const std::vector<std::string>& names) {
    return {{"matchLabels", {{kPartOfLabel, label_value(ctx.project.name)}}},
            {"matchExpressions", {{{"key", kNameLabel}, {"operator", "In"}, {"values", names}}}}};
}

nlohmann::json policy(const ExportContext& ctx, const std::string& name, nlohmann::json selector,
                      nlohmann::json ingress) {
    return {{"apiVersion", "networking.k8s.io/v1"},
            {"kind", "NetworkPolicy"},
            {"metadata", ctx.metadata(name)},
            {"spec", {{"podSelector", std::move(selector)}, {"policyTypes", {"Ingress"}}, {"ingress", std::move(ingress)}}}};
}

}  // namespace

std::vector<nlohmann::json> network_policies(ExportContext& ctx) {
    std::map<std::string, std::vector<std::string>> members;  // network key -> k8s service names
    for (const auto& [svc, shape] : ctx.shapes)
        for (const auto& [net, _] : shape.service->networks) members[net].push_back(shape.name);
    for (auto& [_, names] : members) std::sort(names.begin(), names.end());

    if (!ctx.options.network_policies) {
        if (members.size() > 1)
            ctx.report.dropped("", "networks", "every pod of the namespace reaches every other; "
                               "--network-policies isolates them per network");
        return {};
    }
    std::vector<nlohmann::json> out;
    for (const auto& [net, names] : members) {
        std::string name = ctx.names.claim("NetworkPolicy", dns1035_label("net-" + net),
                                           fmt::format("network \"{}\"", net));
        nlohmann::json selector = members_selector(ctx, names);
        out.push_back(policy(ctx, name, selector, {{{"from", {{{"podSelector", selector}}}}}}));
        auto it = ctx.project.networks.find(net);
        if (it != ctx.project.networks.end() && it->second.internal)
            ctx.report.dropped("", "networks." + net + ".internal", "egress is not restricted");
    }
    for (const auto& [svc, shape] : ctx.shapes) {
        nlohmann::json ports = nlohmann::json::array();
        std::set<std::pair<uint32_t, std::string>> seen;
        for (const auto& p : shape.ports)
            if (p.published && seen.insert({p.target, p.protocol}).second)
                ports.push_back({{"port", p.target}, {"protocol", p.protocol}});
        if (ports.empty()) continue;
        std::string name = ctx.names.claim("NetworkPolicy", dns1035_label(shape.name + "-published"),
                                           fmt::format("published ports of service \"{}\"", svc));
        out.push_back(policy(ctx, name, {{"matchLabels", ctx.selector_labels(shape)}}, {{{"ports", ports}}}));
    }
    return out;
}

}  // namespace stk::k8s
