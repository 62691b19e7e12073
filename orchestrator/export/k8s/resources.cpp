#include "orchestrator/export/k8s/resources.hpp"

#include <cmath>

#include <fmt/format.h>

namespace stk::k8s {
namespace {

struct Amounts {
    std::optional<double> cpus;
    std::optional<int64_t> memory;
};

nlohmann::json quantities(ExportContext& ctx, const model::Service& s, const char* key, const Amounts& a) {
    nlohmann::json out = nlohmann::json::object();
    if (a.cpus) {
        std::string q = cpu_quantity(*a.cpus);
        if (q.empty()) ctx.report.dropped(s.name, key, fmt::format("cpus {} is less than a millicore", *a.cpus));
        else out["cpu"] = q;
    }
    if (a.memory && *a.memory > 0) out["memory"] = memory_quantity(*a.memory);
    return out;
}

}  // namespace

std::string cpu_quantity(double cpus) {
    auto milli = static_cast<int64_t>(std::llround(cpus * 1000));
    if (milli <= 0) return "";
    if (milli % 1000 == 0) return std::to_string(milli / 1000);
    return std::to_string(milli) + "m";
}

std::string memory_quantity(int64_t bytes) {
    static const char* const units[] = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < 6; ++i) {
        int64_t size = int64_t{1} << (10 * (6 - i));
        if (bytes % size == 0) return std::to_string(bytes / size) + units[i];
    }
    return std::to_string(bytes);
}

nlohmann::json container_resources(ExportContext& ctx, const model::Service& s) {
    Amounts limit, request;
    if (s.deploy && s.deploy->resources) {
        const model::Resources& r = *s.deploy->resources;
        if (r.limits) {
            limit = {r.limits->cpus, r.limits->memory};
            if (r.limits->pids)
                ctx.report.dropped(s.name, "deploy.resources.limits.pids", "Kubernetes limits pids per node, not per container");
        }
        if (r.reservations) {
            request = {r.reservations->cpus, r.reservations->memory};
            if (!r.reservations->devices.empty())
                ctx.report.dropped(s.name, "deploy.resources.reservations.devices", "a device needs a device plugin's resource name");
        }
    }
    // The service-level keys count where deploy says nothing, as in compose.
    if (!limit.cpus && s.cpus && *s.cpus > 0) limit.cpus = s.cpus;
    if (!limit.memory && s.mem_limit) limit.memory = s.mem_limit;
    if (!request.memory && s.mem_reservation) request.memory = s.mem_reservation;
    if (s.pids_limit) ctx.report.dropped(s.name, "pids_limit", "Kubernetes limits pids per node, not per container");
    // A request above its limit is invalid in Kubernetes; docker ignores such a reservation.
    if (limit.memory && request.memory && *request.memory > *limit.memory) {
        request.memory.reset();
        ctx.report.dropped(s.name, "mem_reservation", "larger than the memory limit");
    }
    if (limit.cpus && request.cpus && *request.cpus > *limit.cpus) {
        request.cpus.reset();
        ctx.report.dropped(s.name, "deploy.resources.reservations.cpus", "larger than the cpu limit");
    }
    nlohmann::json out = nlohmann::json::object();
    if (auto l = quantities(ctx, s, "limits", limit); !l.empty()) out["limits"] = l;
    if (auto r = quantities(ctx, s, "reservations", request); !r.empty()) out["requests"] = r;
    return out.empty() ? nlohmann::json() : out;
}

}  // namespace stk::k8s
