#include "runtime/security/rlimits.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

constexpr std::pair<const char*, int> kNames[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

std::string show(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

bool has_sys_resource() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0) return false;
    return data[CAP_SYS_RESOURCE / 32].effective & (1u << (CAP_SYS_RESOURCE % 32));
}

}  // namespace

std::optional<int> rlimit_resource(const std::string& name) {
    for (const auto& [n, r] : kNames)
        if (name == n) return r;
    return std::nullopt;
}

RlimitCeilings RlimitCeilings::of_this_process() {
    RlimitCeilings c;
    if (has_sys_resource()) return c;
    for (int r = 0; r < RLIM_NLIMITS; ++r) {
        rlimit cur{};
        if (::getrlimit(r, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) c.hard[r] = cur.rlim_max;
    }
    return c;
}

RlimitPlan plan_rlimits(const std::vector<Ulimit>& ulimits, std::vector<std::string>& warnings,
                        const RlimitCeilings& ceilings) {
    RlimitPlan plan;
    for (const auto& u : ulimits) {
        auto resource = rlimit_resource(u.name);
        if (!resource) throw Error(fmt::format("ulimit \"{}\": unknown limit name", u.name));
        for (size_t i = 0; i < plan.count; ++i)
            if (plan.entries[i].resource == *resource)
                throw Error(fmt::format("ulimit \"{}\": given twice", u.name));
        if (u.soft > u.hard)
            throw Error(fmt::format("ulimit \"{}\": soft limit {} is above the hard limit {}",
                                    u.name, show(u.soft), show(u.hard)));
        rlimit value{u.soft, u.hard};
        if (const auto& ceiling = ceilings.hard[*resource]; ceiling && value.rlim_max > *ceiling) {
            warnings.push_back(fmt::format(
                "ulimit {}={}:{} lowered to {}:{}: the host's hard limit is {} and raising it "
                "needs CAP_SYS_RESOURCE",
                u.name, show(u.soft), show(u.hard), show(std::min<rlim_t>(u.soft, *ceiling)),
                show(*ceiling), show(*ceiling)));
            value.rlim_max = *ceiling;
            value.rlim_cur = std::min(value.rlim_cur, *ceiling);
        }
        plan.entries[plan.count++] = {*resource, value};
    }
    return plan;
}

RlimitPlan plan_rlimits(const std::vector<Ulimit>& ulimits, std::vector<std::string>& warnings) {
    return plan_rlimits(ulimits, warnings, RlimitCeilings::of_this_process());
}

void apply_rlimits_in_child(const RlimitPlan& plan) {
    for (size_t i = 0; i < plan.count; ++i) {
        const auto& e = plan.entries[i];
        if (::setrlimit(e.resource, &e.value) != 0)
            throw_errno(fmt::format("setrlimit {} {}:{}", e.resource, show(e.value.rlim_cur),
                                    show(e.value.rlim_max)));
    }
}

}  // namespace stk::runtime
