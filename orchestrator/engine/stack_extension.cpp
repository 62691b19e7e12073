#include "orchestrator/engine/stack_extension.hpp"

#include "runtime/sys/error.hpp"

namespace stk::engine {
namespace {

[[noreturn]] void bad(const model::Service& s, const std::string& key, const std::string& what) {
    throw Error(fmt::format("service \"{}\": x-stack.{}: {}", s.name, key, what));
}

uint16_t read_port(const model::Service& s, const std::string& key, const nlohmann::json& v) {
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 65535)
        bad(s, key, "must be a port number from 1 to 65535");
    return static_cast<uint16_t>(v.get<int64_t>());
}

}  // namespace

StackExtension read_stack_extension(const model::Service& s, const std::filesystem::path& project_dir) {
    StackExtension out;
    auto it = s.extensions.find("x-stack");
    if (it == s.extensions.end() || it->second.is_null()) return out;
    const nlohmann::json& x = it->second;
    if (!x.is_object()) bad(s, "", "must be a mapping");
    for (const auto& [key, v] : x.items()) {
        if (key == "rootfs") {
            if (!v.is_string() || v.get<std::string>().empty())
                bad(s, key, "must be \"host\" or a directory");
            std::string r = v.get<std::string>();
            if (r == "host") {
                out.rootfs = r;
            } else {
                std::filesystem::path p(r);
                out.rootfs = (p.is_absolute() ? p : project_dir / p).lexically_normal().string();
            }
        } else if (key == "fast_probes" || key == "restart_on_unhealthy") {
            if (!v.is_boolean()) bad(s, key, "must be true or false");
            (key == "fast_probes" ? out.fast_probes : out.restart_on_unhealthy) = v.get<bool>();
        } else if (key == "healthcheck") {
            if (!v.is_object() || v.size() != 1) bad(s, key, "must be {tcp: PORT} or {http: {port, path}}");
            NativeProbe p;
            if (v.contains("tcp")) {
                p.kind = "tcp";
                p.port = read_port(s, "healthcheck.tcp", v["tcp"]);
            } else if (v.contains("http")) {
                p.kind = "http";
                const auto& h = v["http"];
                if (!h.is_object() || !h.contains("port"))
                    bad(s, "healthcheck.http", "must be {port: PORT, path: /...}");
                p.port = read_port(s, "healthcheck.http.port", h["port"]);
                if (h.contains("path")) {
                    if (!h["path"].is_string() || h["path"].get<std::string>().rfind('/', 0) != 0)
                        bad(s, "healthcheck.http.path", "must be a path starting with /");
                    p.path = h["path"].get<std::string>();
                }
            } else {
                bad(s, key, "must be {tcp: PORT} or {http: {port, path}}");
            }
            out.probe = p;
        } else {
            bad(s, key, "unknown key (known: rootfs, fast_probes, restart_on_unhealthy, healthcheck)");
        }
    }
    return out;
}

}  // namespace stk::engine
