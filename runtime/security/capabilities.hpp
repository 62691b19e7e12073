#pragma once
// Capability sets: docker's defaults, cap_add/cap_drop, privileged (decided in the parent), and
// the in-child application (bounding, permitted, effective; inheritable and ambient cleared).
#include <cstdint>
#include <string>

#include "runtime/spec.hpp"

namespace stk::runtime {

// Bit i set = capability number i. Docker's 14: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD,
// NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
uint64_t docker_default_capabilities();
// Every capability the running kernel knows (0..cap_last_cap).
uint64_t all_capabilities();

// Docker's rules: cap_add "ALL" = all minus cap_drop; cap_drop "ALL" = only cap_add; otherwise
// defaults - cap_drop + cap_add. Names with or without "CAP_", any case. privileged = all.
// Unknown names throw Error quoting the name.
uint64_t resolve_capabilities(const SecuritySpec& spec);

// "CAP_CHOWN" for 0; "CAP_<n>" for numbers libcap does not name.
std::string capability_name(int cap);

// In the child, after setuid/setgid (with or without PR_SET_KEEPCAPS) or before them as root:
// raises effective to permitted, drops every bounding capability outside `mask`, sets
// permitted = effective = mask (restricted to what is still permitted), clears inheritable and
// ambient, and turns PR_SET_KEEPCAPS off. Throws SysError; call before seccomp when no_new_privs
// is on (capset is allowed by the filter either way).
void apply_capabilities_in_child(uint64_t mask);

}  // namespace stk::runtime
