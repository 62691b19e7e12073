#include "runtime/security/capabilities.hpp"

#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cctype>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

int last_capability() {
    int bits = cap_max_bits();  // number of capabilities the running kernel knows
    if (bits <= 0 || bits > 64) bits = CAP_LAST_CAP + 1;
    return bits - 1;
}

bool is_all(const std::string& name) { return upper(name) == "ALL"; }

// "net_admin", "CAP_NET_ADMIN", "Cap_Net_Admin" -> 12; Error quoting the name otherwise.
int parse_capability(const std::string& name) {
    std::string key = upper(name);
    if (key.rfind("CAP_", 0) != 0) key = "CAP_" + key;
    for (int cap = 0; cap <= last_capability(); ++cap) {
        if (capability_name(cap) == key) return cap;
    }
    throw Error(fmt::format("unknown capability \"{}\"", name));
}

bool contains_all(const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), is_all);
}

uint64_t mask_of(const std::vector<std::string>& names) {
    uint64_t mask = 0;
    for (const auto& n : names) {
        if (!is_all(n)) mask |= uint64_t{1} << parse_capability(n);
    }
    return mask;
}

cap_flag_value_t flag(uint64_t mask, int cap) { return (mask >> cap) & 1 ? CAP_SET : CAP_CLEAR; }

}  // namespace

uint64_t docker_default_capabilities() {
    const int caps[] = {CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
                        CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
                        CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
                        CAP_KILL,    CAP_AUDIT_WRITE};
    uint64_t mask = 0;
    for (int c : caps) mask |= uint64_t{1} << c;
    return mask;
}

uint64_t all_capabilities() {
    int last = last_capability();
    return last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
}

std::string capability_name(int cap) {
    char* raw = cap_to_name(static_cast<cap_value_t>(cap));
    if (!raw) return fmt::format("CAP_{}", cap);
    std::string name = upper(raw);
    cap_free(raw);
    // libcap prints numbers it has no name for as plain digits.
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) name = "CAP_" + name;
    return name;
}

uint64_t resolve_capabilities(const SecuritySpec& spec) {
    return with_context("resolve capabilities", [&]() -> uint64_t {
        // Validate every name even where docker's rules make it irrelevant.
        uint64_t add = mask_of(spec.cap_add);
        uint64_t drop = mask_of(spec.cap_drop);
        if (spec.privileged) return all_capabilities();
        if (contains_all(spec.cap_add)) return all_capabilities() & ~drop;
        if (contains_all(spec.cap_drop)) return add;
        return ((docker_default_capabilities() & ~drop) | add) & all_capabilities();
    });
}

void apply_capabilities_in_child(uint64_t mask) {
    int last = last_capability();
    cap_t caps = cap_get_proc();
    if (!caps) throw_errno("capget");
    struct Free {
        cap_t c;
        ~Free() { cap_free(c); }
    } free_caps{caps};

    // After setuid with PR_SET_KEEPCAPS the effective set is empty: raise it to the permitted
    // set so that CAP_SETPCAP allows the bounding-set drops below.
    uint64_t permitted = 0;
    for (int cap = 0; cap <= last; ++cap) {
        cap_flag_value_t v = CAP_CLEAR;
        if (cap_get_flag(caps, cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
            permitted |= uint64_t{1} << cap;
    }
    for (int cap = 0; cap <= last; ++cap) {
        cap_value_t value = cap;
        cap_set_flag(caps, CAP_EFFECTIVE, 1, &value, flag(permitted, cap));
    }
    if (cap_set_proc(caps) != 0) throw_errno("capset (raise effective to permitted)");

    for (int cap = 0; cap <= last; ++cap) {
        if ((mask >> cap) & 1) continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            throw_errno(fmt::format("drop {} from the bounding set", capability_name(cap)));
    }

    uint64_t keep = mask & permitted;
    cap_clear(caps);
    for (int cap = 0; cap <= last; ++cap) {
        cap_value_t value = cap;
        cap_set_flag(caps, CAP_PERMITTED, 1, &value, flag(keep, cap));
        cap_set_flag(caps, CAP_EFFECTIVE, 1, &value, flag(keep, cap));
    }
    if (cap_set_proc(caps) != 0) throw_errno(fmt::format("capset permitted=effective={:#x}", keep));
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        throw_errno("clear the ambient capability set");
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw_errno("prctl PR_SET_KEEPCAPS 0");
}

}  // namespace stk::runtime
