#include "orchestrator/export/k8s/service.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace stk::k8s {
namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// "8000-8010" -> 8000; "" -> 0.
uint32_t first_port(const std::string& published) {
    if (published.empty()) return 0;
    return static_cast<uint32_t>(std::stoul(published.substr(0, published.find('-'))));
}

void add_unique(std::vector<ServicePort>& ports, ServicePort p) {
    for (const auto& q : ports)
        if (q.port == p.port && q.protocol == p.protocol) return;
    ports.push_back(std::move(p));
}

// Short form of `expose`: "3000", "3000-3005", "3000/udp".
void add_exposed(ExportContext& ctx, const model::Service& s, const std::string& text,
                 std::vector<ServicePort>& ports) {
    std::string range = text, proto = "tcp";
    if (auto slash = text.find('/'); slash != std::string::npos) {
        range = text.substr(0, slash);
        proto = text.substr(slash + 1);
    }
    uint32_t lo = 0, hi = 0;
    try {
        size_t dash = range.find('-');
        lo = static_cast<uint32_t>(std::stoul(range.substr(0, dash)));
        hi = dash == std::string::npos ? lo : static_cast<uint32_t>(std::stoul(range.substr(dash + 1)));
    } catch (const std::exception&) {
        ctx.refuse(s.name, "expose", fmt::format("\"{}\" is not PORT[-PORT][/PROTOCOL]", text));
        return;
    }
    for (uint32_t p = lo; p <= hi && p != 0; ++p)
        add_unique(ports, ServicePort{"", p, p, upper(proto), false});
}

}  // namespace

std::vector<ServicePort> service_ports(ExportContext& ctx, const model::Service& s) {
    std::vector<ServicePort> ports;
    std::vector<std::string> given_names;
    for (size_t i = 0; i < s.ports.size(); ++i) {
        const model::PortMapping& m = s.ports[i];
        std::string key = fmt::format("ports[{}]", i);
        std::string proto = upper(m.protocol);
        if (proto != "TCP" && proto != "UDP" && proto != "SCTP") {
            ctx.refuse(s.name, key + ".protocol", "\"" + m.protocol + "\" is not tcp, udp or sctp");
            continue;
        }
        uint32_t published = first_port(m.published);
        if (published == 0) {
            published = m.target;
            ctx.report.approximated(s.name, key, fmt::format(
                "no published port: the Service listens on the container port {}", m.target));
        } else if (m.published.find('-') != std::string::npos) {
            ctx.report.approximated(s.name, key, fmt::format(
                "published range {}: the Service listens on its first port {}", m.published, published));
        }
        if (!m.host_ip.empty())
            ctx.report.dropped(s.name, key + ".host_ip", "a Service listens on the cluster network, not on " + m.host_ip);
        ServicePort p{m.name, published, m.target, proto, true};
        add_unique(ports, p);
    }
    for (const auto& e : s.expose) add_exposed(ctx, s, e, ports);
    if (ports.size() > 1) {
        NameTable taken;
        for (auto& p : ports) {
            std::string wanted = p.name.empty() ? fmt::format("{}-{}", p.protocol, p.port) : p.name;
            p.name = port_name(wanted);
            try {
                taken.claim("port", p.name, wanted);
            } catch (const std::exception& e) {
                ctx.refuse(s.name, "ports", e.what());
            }
        }
    } else {
        for (auto& p : ports) p.name.clear();
    }
    if (std::any_of(ports.begin(), ports.end(), [](const ServicePort& p) { return p.published; }))
        ctx.report.approximated(s.name, "ports", "published ports are reachable inside the cluster only "
                                "(ClusterIP Service); expose them with an Ingress, a LoadBalancer "
                                "Service or kubectl port-forward");
    return ports;
}

nlohmann::json container_ports(const ServiceShape& shape) {
    nlohmann::json out = nlohmann::json::array();
    std::set<std::pair<uint32_t, std::string>> seen;
    for (const auto& p : shape.ports) {
        if (!seen.insert({p.target, p.protocol}).second) continue;
        nlohmann::json c = {{"containerPort", p.target}, {"protocol", p.protocol}};
        if (!p.name.empty()) c["name"] = p.name;
        out.push_back(c);
    }
    return out;
}

nlohmann::json service_object(const ExportContext& ctx, const ServiceShape& shape) {
    nlohmann::json spec = {{"selector", ctx.selector_labels(shape)}};
    if (shape.ports.empty()) {
        spec["clusterIP"] = "None";
    } else {
        spec["type"] = "ClusterIP";
        nlohmann::json ports = nlohmann::json::array();
        for (const auto& p : shape.ports) {
            nlohmann::json sp = {{"port", p.port}, {"protocol", p.protocol}};
            // The container port carries the name of the first Service port aiming at it.
            auto first = std::find_if(shape.ports.begin(), shape.ports.end(), [&](const ServicePort& q) {
                return q.target == p.target && q.protocol == p.protocol;
            });
            if (!p.name.empty()) {
                sp["name"] = p.name;
                sp["targetPort"] = first->name;
            } else {
                sp["targetPort"] = p.target;
            }
            ports.push_back(sp);
        }
        spec["ports"] = ports;
    }
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", ctx.metadata(shape.name, &shape)},
            {"spec", spec}};
}

}  // namespace stk::k8s
